/** Admin: what each role may do (permission grants). */
import { z } from 'zod';
import { ROLES, RolePermission } from '../../../../db/entities/index.js';
import { AppError } from '../../../kernel/errors.js';
import {
  ADMIN_FLOOR,
  DEFAULT_GRANTS,
  PERMISSIONS,
  PERMISSION_NAMES,
  type Permission,
} from '../../../../workflows/kernel/permissions.js';
import { type AnyRoute, authed, defineRoute } from '../../../kernel/route.js';

import { RoleName, noEscalation, noEscalationToRole } from './common.js';

export function adminRoleRoutes(): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/admin/roles',
      summary: 'Each role’s permissions in this organization, and the permission catalogue',
      tag: 'admin',
      permission: 'role.manage',
      responses: {
        200: {
          description: 'Roles',
          schema: z.object({
            roles: z.array(z.object({ role: RoleName, permissions: z.array(z.string()), isDefault: z.boolean() })),
            permissions: z.record(z.string(), z.string()),
          }),
        },
      },
      handler: async (c) => {
        const ctx = authed(c);
        const rows = await ctx.state.em.find(RolePermission, {});
        ctx.body = {
          roles: ROLES.map((role) => {
            const row = rows.find((r) => r.role === role);
            return { role, permissions: [...(row?.permissions ?? DEFAULT_GRANTS[role])].sort(), isDefault: !row };
          }),
          permissions: PERMISSIONS,
        };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/admin/roles/:role',
      summary: 'Set a role’s permissions in this organization',
      tag: 'admin',
      permission: 'role.manage',
      audit: 'role.permissions_change',
      params: z.strictObject({ role: RoleName }),
      body: z.strictObject({
        permissions: z.array(z.enum(PERMISSION_NAMES as [Permission, ...Permission[]])).max(PERMISSION_NAMES.length),
      }),
      responses: { 200: { description: 'Saved' }, 409: { description: 'Would lock admins out' } },
      handler: async (c, { params, body }) => {
        const ctx = authed(c);
        const { em, principal } = ctx.state;
        const next = [...new Set(body.permissions)].sort();
        noEscalation(ctx, next, `grant these permissions to ${params.role}`);
        await noEscalationToRole(ctx, params.role, `change the ${params.role} role`);
        if (params.role === 'admin') {
          const missing = ADMIN_FLOOR.filter((p) => !next.includes(p));
          if (missing.length) throw new AppError(409, 'admin_floor', `The admin role must keep ${missing.join(', ')}`);
        }
        const row = await em.findOne(RolePermission, { role: params.role });
        const before = [...(row?.permissions ?? DEFAULT_GRANTS[params.role])].sort();
        // An upsert: the same grant sent twice at once is one row, both answered 200.
        await em.execute(
          `insert into role_permissions (organization_id, role, permissions, updated_at) values (?, ?, ?, now())
           on conflict (organization_id, role) do update set permissions = excluded.permissions, updated_at = now()`,
          [principal.orgId, params.role, JSON.stringify(next)],
          'run',
        );
        ctx.state.audit = {
          targetType: 'role',
          targetId: params.role,
          before: { permissions: before },
          after: { permissions: next },
        };
        ctx.body = { role: params.role, permissions: next, isDefault: false };
      },
    }),
  ];
}
