/** What the admin routes share: parameter schemas, loading a user, refusing privilege escalation. */
import { z } from 'zod';
import { ROLES, User, type Role } from '../../../../db/entities/index.js';
import { AppError, notFound } from '../../../kernel/errors.js';
import { type Permission, withImplied } from '../../../../workflows/kernel/permissions.js';
import { type AuthedContext } from '../../../kernel/route.js';
import { text } from '../../../kernel/schemas.js';
import { grantsFor } from '../../auth.js';

export const uuid = z.uuid();
export const IdParams = z.strictObject({ id: uuid });
export const RoleName = z.enum(ROLES);
export const PersonRole = RoleName.exclude(['integration']);
export const Name = text(200).pipe(z.string().min(1));
export const Name120 = text(120).pipe(z.string().min(1));

export const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export async function loadUser(ctx: AuthedContext, id: string): Promise<User> {
  const u = await ctx.state.em.findOne(User, { id });
  if (!u) throw notFound('User');
  return u;
}

/**
 * Refuses to hand out more than the caller holds: a role to assign, a role grant to set, API-key
 * scopes, or a change to someone whose role can do more than the caller.
 */
export function noEscalation(ctx: AuthedContext, wanted: Iterable<string>, what: string): void {
  const held = withImplied(ctx.state.principal.permissions);
  const beyond = [...wanted].filter((p) => !held.has(p as Permission));
  if (beyond.length) {
    throw new AppError(
      403,
      'privilege_escalation',
      `You cannot ${what}: it includes ${beyond.sort().join(', ')}, which you do not hold`,
    );
  }
}

export async function noEscalationToRole(ctx: AuthedContext, role: Role, what: string): Promise<void> {
  noEscalation(ctx, await grantsFor(ctx.state.em, ctx.state.principal.orgId, role), what);
}

export const userResponses = { 404: { description: 'No such user in your organization' } };
