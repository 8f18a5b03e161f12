/** Admin: the organization's people (invite, change role, deactivate, unlock, reset MFA, end sessions). */
import { z } from 'zod';
import { User } from '../../../../db/entities/index.js';
import type { Em } from '../../../../db/orm.js';
import type { Account } from '../../account/index.js';
import { type Auth } from '../../auth.js';
import { AppError } from '../../../kernel/errors.js';
import { type AnyRoute, authed, defineRoute } from '../../../kernel/route.js';

import { IdParams, Name, PersonRole, RoleName, loadUser, noEscalationToRole, userResponses, uuid } from './common.js';

const AdminUser = z.object({
  id: uuid,
  email: z.string(),
  displayName: z.string(),
  role: RoleName,
  active: z.boolean(),
  mfaEnabled: z.boolean(),
  invitationPending: z.boolean(),
  /** Whom the user reports to (approver of flows that ask the requester's manager). */
  managerId: uuid.nullable(),
  createdAt: z.string(),
});

async function userDto(em: Em, u: User): Promise<z.infer<typeof AdminUser>> {
  const full = await em.findOneOrFail(User, { id: u.id }, { populate: ['passwordHash'] });
  return {
    id: u.id,
    email: u.email,
    displayName: u.displayName,
    role: u.role,
    active: u.active,
    mfaEnabled: u.mfaEnabled,
    invitationPending: !full.passwordHash && u.role !== 'integration',
    managerId: u.manager?.id ?? null,
    createdAt: u.createdAt.toISOString(),
  };
}

/** Refuses a change that would leave the organization without an active admin. */
async function keepAnAdmin(em: Em, user: User, nextRole: string, nextActive: boolean): Promise<void> {
  if (user.role !== 'admin' || (nextRole === 'admin' && nextActive)) return;
  const admins = await em.count(User, { role: 'admin', active: true, id: { $ne: user.id } });
  if (admins === 0) throw new AppError(409, 'last_admin', 'The organization must keep at least one active admin');
}

/**
 * Refuses a manager who cannot be one: unknown in the organization, inactive, a service account,
 * the user themselves, or someone who reports (through others) to the user.
 */
async function checkManager(em: Em, userId: string | null, managerId: string): Promise<void> {
  const refuse = (message: string) => {
    throw new AppError(422, 'validation_failed', 'The request has invalid fields', [{ field: 'managerId', message }]);
  };
  if (managerId === userId) refuse('Nobody is their own manager');
  const manager = await em.findOne(User, { id: managerId });
  if (!manager || !manager.active || manager.role === 'integration') refuse('No active person with this id');
  for (let m: User | null = manager, depth = 0; m?.manager && depth < 100; depth++) {
    if (m.manager.id === userId) refuse('This person reports to the user already (directly or through others)');
    m = await em.findOne(User, { id: m.manager.id });
  }
}

export function adminUserRoutes(auth: Auth, account: Account): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/admin/users',
      summary: 'Users of the organization, with their security state',
      tag: 'admin',
      permission: 'user.manage',
      responses: { 200: { description: 'Users', schema: z.object({ items: z.array(AdminUser) }) } },
      handler: async (c) => {
        const ctx = authed(c);
        const users = await ctx.state.em.find(User, {}, { orderBy: { displayName: 'asc' } });
        ctx.body = { items: await Promise.all(users.map((u) => userDto(ctx.state.em, u))) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/admin/users',
      summary: 'Invite a user: they receive a single-use link (valid 7 days) to choose a password',
      tag: 'admin',
      permission: 'user.manage',
      audit: 'user.invite',
      body: z.strictObject({
        email: z.email().max(254),
        displayName: Name,
        role: PersonRole,
        managerId: uuid.nullable().optional(),
      }),
      responses: { 201: { description: 'Invited', schema: AdminUser }, 409: { description: 'E-mail in use' } },
      handler: async (c, { body }) => {
        const ctx = authed(c);
        const { em, principal } = ctx.state;
        await noEscalationToRole(ctx, body.role, `invite a ${body.role}`);
        const email = body.email.toLowerCase();
        const taken = await em.findOne(User, { email }, { filters: { tenant: false } });
        if (taken) throw new AppError(409, 'email_taken', 'A user with this e-mail already exists');
        if (body.managerId) await checkManager(em, null, body.managerId);
        const user = em.create(User, {
          organization: principal.orgId,
          email,
          displayName: body.displayName,
          role: body.role,
          active: true,
          passwordHash: null,
          manager: body.managerId ?? null,
        });
        await em.flush();
        await account.issueToken(em, user, 'invitation', account.invitationTtlMs);
        const dto = await userDto(em, user);
        ctx.state.audit = { targetType: 'user', targetId: user.id, after: { email, role: body.role } };
        ctx.status = 201;
        ctx.body = dto;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/admin/users/:id',
      summary: 'One user',
      tag: 'admin',
      permission: 'user.manage',
      params: IdParams,
      responses: { 200: { description: 'The user', schema: AdminUser }, ...userResponses },
      handler: async (c, { params }) => {
        const ctx = authed(c);
        ctx.body = await userDto(ctx.state.em, await loadUser(ctx, params.id));
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/admin/users/:id',
      summary: 'Change a user’s name, role, manager or active flag (deactivating ends their sessions)',
      tag: 'admin',
      permission: 'user.manage',
      audit: 'user.update',
      params: IdParams,
      body: z.strictObject({
        displayName: Name.optional(),
        role: PersonRole.optional(),
        active: z.boolean().optional(),
        managerId: uuid.nullable().optional(),
      }),
      responses: {
        200: { description: 'The user', schema: AdminUser },
        ...userResponses,
        409: { description: 'Last admin' },
      },
      handler: async (c, { params, body }) => {
        const ctx = authed(c);
        const { em } = ctx.state;
        const user = await loadUser(ctx, params.id);
        if (user.role === 'integration')
          throw new AppError(409, 'service_account', 'Manage service accounts through their API key');
        if (user.id === ctx.state.principal.userId && (body.role !== undefined || body.active !== undefined)) {
          throw new AppError(403, 'self_change', 'Ask another administrator to change your own role or status');
        }
        await noEscalationToRole(ctx, user.role, `change a ${user.role}`);
        if (body.role !== undefined) await noEscalationToRole(ctx, body.role, `make someone a ${body.role}`);
        await keepAnAdmin(em, user, body.role ?? user.role, body.active ?? user.active);
        if (body.managerId) await checkManager(em, user.id, body.managerId);
        const managerId = user.manager?.id ?? null;
        const before = { displayName: user.displayName, role: user.role, active: user.active, managerId };
        if (body.displayName !== undefined) user.displayName = body.displayName;
        if (body.managerId !== undefined) user.manager = body.managerId ? em.getReference(User, body.managerId) : null;
        if (body.role !== undefined) user.role = body.role;
        if (body.active !== undefined) user.active = body.active;
        await em.flush();
        const after = {
          displayName: user.displayName,
          role: user.role,
          active: user.active,
          managerId: user.manager?.id ?? null,
        };
        if (!user.active) await auth.revokeSessions(em, { user: user.id }, 'deactivated');
        if (before.role !== after.role) {
          await account.securityEvent(ctx, user, 'user.role_changed', { from: before.role, to: after.role });
        }
        ctx.state.audit = { targetType: 'user', targetId: user.id, before, after };
        ctx.body = await userDto(em, user);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/admin/users/:id/unlock',
      summary: 'Lift a sign-in lockout',
      tag: 'admin',
      permission: 'user.manage',
      audit: 'user.unlock',
      params: IdParams,
      responses: { 204: { description: 'Unlocked' }, ...userResponses },
      handler: async (c, { params }) => {
        const ctx = authed(c);
        const user = await loadUser(ctx, params.id);
        await noEscalationToRole(ctx, user.role, `unlock a ${user.role}`);
        await account.unlock(user);
        ctx.state.audit = { targetType: 'user', targetId: user.id };
        ctx.status = 204;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/admin/users/:id/mfa/reset',
      summary: 'Remove a user’s MFA (lost device); they enrol again at next sign-in if policy requires',
      tag: 'admin',
      permission: 'user.manage',
      audit: 'user.mfa_reset',
      params: IdParams,
      responses: { 204: { description: 'MFA removed, sessions ended' }, ...userResponses },
      handler: async (c, { params }) => {
        const ctx = authed(c);
        const user = await loadUser(ctx, params.id);
        await noEscalationToRole(ctx, user.role, `reset the MFA of a ${user.role}`);
        await account.clearMfa(ctx.state.em, user.id);
        await auth.revokeSessions(ctx.state.em, { user: user.id }, 'mfa_reset');
        ctx.state.audit = { targetType: 'user', targetId: user.id };
        ctx.status = 204;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/admin/users/:id/sessions/revoke',
      summary: 'End every session of a user (their refresh tokens stop working at once)',
      tag: 'admin',
      permission: 'user.manage',
      audit: 'user.sessions_revoke',
      params: IdParams,
      responses: {
        200: { description: 'How many sessions ended', schema: z.object({ revoked: z.number() }) },
        ...userResponses,
      },
      handler: async (c, { params }) => {
        const ctx = authed(c);
        const user = await loadUser(ctx, params.id);
        await noEscalationToRole(ctx, user.role, `end the sessions of a ${user.role}`);
        const revoked = await auth.revokeSessions(ctx.state.em, { user: user.id }, 'admin_revoke');
        ctx.state.audit = { targetType: 'user', targetId: user.id, after: { revoked } };
        ctx.body = { revoked };
      },
    }),
  ];
}
