/** The organization-admin API: users, teams, roles and permissions, settings and API keys. */
import { z } from 'zod';
import {
  ApiKey,
  Incident,
  Organization,
  ROLES,
  RolePermission,
  Team,
  TeamMember,
  User,
  type Role,
  ASSIGNMENT_STRATEGIES,
} from '../../../db/entities/index.js';
import type { Em } from '../../../db/orm.js';
import type { Account } from '../account.js';
import { API_KEY_PREFIX, type Auth } from '../auth.js';
import { AppError, notFound, validationFailed } from '../../kernel/errors.js';
import {
  mergeChannels,
  OrgSettings,
  OrgSettingsPatch,
  redactChannels,
  settingsOf,
} from '../../../workflows/kernel/org-settings.js';
import {
  ADMIN_FLOOR,
  DEFAULT_GRANTS,
  PERMISSIONS,
  PERMISSION_NAMES,
  type Permission,
  withImplied,
} from '../../../workflows/kernel/permissions.js';
import { type AnyRoute, type AuthedContext, authed, defineRoute } from '../../kernel/route.js';
import { randomToken, sha256 } from '../../../activities/kernel/secrets.js';
import { text } from '../../kernel/schemas.js';
import { grantsFor } from '../auth.js';
import { canonicalCategories } from '../../incident/routes/desk.js';
import { sendTestMessage } from '../../../activities/kernel/notify.js';

const uuid = z.uuid();
const IdParams = z.strictObject({ id: uuid });
const RoleName = z.enum(ROLES);
const PersonRole = RoleName.exclude(['integration']);
const Name = text(200).pipe(z.string().min(1));
const Name120 = text(120).pipe(z.string().min(1));
const Skills = z.array(text(60).pipe(z.string().min(1))).max(50);

const AdminUser = z.object({
  id: uuid,
  email: z.string(),
  displayName: z.string(),
  role: RoleName,
  active: z.boolean(),
  mfaEnabled: z.boolean(),
  invitationPending: z.boolean(),
  createdAt: z.string(),
});
const Strategy = z.enum(ASSIGNMENT_STRATEGIES).describe('how new incidents get an assignee');
const Categories = z
  .array(text(80).pipe(z.string().min(1)))
  .max(100)
  .describe('categories routed to this team');
const AdminTeam = z.object({
  id: uuid,
  name: z.string(),
  leadId: uuid.nullable(),
  assignment: Strategy,
  categories: z.array(z.string()),
  members: z.array(z.object({ userId: uuid, skills: z.array(z.string()) })),
});
const ApiKeyDto = z.object({
  id: uuid,
  name: z.string(),
  fingerprint: z.string().describe('first characters of the stored hash, to tell keys apart'),
  scopes: z.array(z.string()),
  serviceAccountId: uuid,
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

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
    createdAt: u.createdAt.toISOString(),
  };
}

async function teamDto(em: Em, t: Team): Promise<z.infer<typeof AdminTeam>> {
  const members = await em.find(TeamMember, { team: t.id }, { orderBy: { createdAt: 'asc' } });
  return {
    id: t.id,
    name: t.name,
    leadId: t.lead?.id ?? null,
    assignment: t.assignment,
    categories: t.categories ?? [],
    members: members.map((m) => ({ userId: m.user.id, skills: m.skills ?? [] })),
  };
}

function keyDto(k: ApiKey): z.infer<typeof ApiKeyDto> {
  return {
    id: k.id,
    name: k.name,
    fingerprint: k.secretHash.slice(0, 12),
    scopes: k.scopes,
    serviceAccountId: k.serviceAccount.id,
    createdAt: k.createdAt.toISOString(),
    expiresAt: iso(k.expiresAt),
    lastUsedAt: iso(k.lastUsedAt),
    revokedAt: iso(k.revokedAt),
  };
}

async function loadUser(ctx: AuthedContext, id: string): Promise<User> {
  const u = await ctx.state.em.findOne(User, { id });
  if (!u) throw notFound('User');
  return u;
}

async function loadTeam(ctx: AuthedContext, id: string): Promise<Team> {
  const t = await ctx.state.em.findOne(Team, { id });
  if (!t) throw notFound('Team');
  return t;
}

/**
 * Refuses to hand out more than the caller holds: a role to assign, a role grant to set, API-key
 * scopes, or a change to someone whose role can do more than the caller.
 */
function noEscalation(ctx: AuthedContext, wanted: Iterable<string>, what: string): void {
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

async function noEscalationToRole(ctx: AuthedContext, role: Role, what: string): Promise<void> {
  noEscalation(ctx, await grantsFor(ctx.state.em, ctx.state.principal.orgId, role), what);
}

/** Refuses a change that would leave the organization without an active admin. */
async function keepAnAdmin(em: Em, user: User, nextRole: string, nextActive: boolean): Promise<void> {
  if (user.role !== 'admin' || (nextRole === 'admin' && nextActive)) return;
  const admins = await em.count(User, { role: 'admin', active: true, id: { $ne: user.id } });
  if (admins === 0) throw new AppError(409, 'last_admin', 'The organization must keep at least one active admin');
}

export function adminRoutes(auth: Auth, account: Account): AnyRoute[] {
  const userResponses = { 404: { description: 'No such user in your organization' } };
  return [
    // ---- users ------------------------------------------------------------------------------
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
      body: z.strictObject({ email: z.email().max(254), displayName: Name, role: PersonRole }),
      responses: { 201: { description: 'Invited', schema: AdminUser }, 409: { description: 'E-mail in use' } },
      handler: async (c, { body }) => {
        const ctx = authed(c);
        const { em, principal } = ctx.state;
        await noEscalationToRole(ctx, body.role, `invite a ${body.role}`);
        const email = body.email.toLowerCase();
        const taken = await em.findOne(User, { email }, { filters: { tenant: false } });
        if (taken) throw new AppError(409, 'email_taken', 'A user with this e-mail already exists');
        const user = em.create(User, {
          organization: principal.orgId,
          email,
          displayName: body.displayName,
          role: body.role,
          active: true,
          passwordHash: null,
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
      summary: 'Change a user’s name, role or active flag (deactivating ends their sessions)',
      tag: 'admin',
      permission: 'user.manage',
      audit: 'user.update',
      params: IdParams,
      body: z.strictObject({
        displayName: Name.optional(),
        role: PersonRole.optional(),
        active: z.boolean().optional(),
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
        const before = { displayName: user.displayName, role: user.role, active: user.active };
        if (body.displayName !== undefined) user.displayName = body.displayName;
        if (body.role !== undefined) user.role = body.role;
        if (body.active !== undefined) user.active = body.active;
        await em.flush();
        const after = { displayName: user.displayName, role: user.role, active: user.active };
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
    // ---- teams ------------------------------------------------------------------------------
    defineRoute({
      method: 'get',
      path: '/admin/teams',
      summary: 'Teams with members, skills and lead',
      tag: 'admin',
      permission: 'team.manage',
      responses: { 200: { description: 'Teams', schema: z.object({ items: z.array(AdminTeam) }) } },
      handler: async (c) => {
        const ctx = authed(c);
        const teams = await ctx.state.em.find(Team, {}, { orderBy: { name: 'asc' } });
        ctx.body = { items: await Promise.all(teams.map((t) => teamDto(ctx.state.em, t))) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/admin/teams',
      summary: 'Create a team',
      tag: 'admin',
      permission: 'team.manage',
      audit: 'team.create',
      body: z.strictObject({
        name: Name120,
        leadId: uuid.nullable().optional(),
        assignment: Strategy.default('none'),
        categories: Categories.default([]),
      }),
      responses: { 201: { description: 'Created', schema: AdminTeam }, 409: { description: 'Name taken' } },
      handler: async (c, { body }) => {
        const ctx = authed(c);
        const { em, principal } = ctx.state;
        if (await em.findOne(Team, { name: body.name }))
          throw new AppError(409, 'name_taken', 'A team with this name exists');
        if (body.leadId)
          await loadUser(ctx, body.leadId).catch(() =>
            Promise.reject(validationFailed([{ field: 'leadId', message: 'No such user' }])),
          );
        const team = em.create(Team, {
          organization: principal.orgId,
          name: body.name,
          lead: body.leadId ?? null,
          assignment: body.assignment,
          categories: await canonicalCategories(em, body.categories, 'body.categories'),
        });
        await em.flush();
        ctx.state.audit = {
          targetType: 'team',
          targetId: team.id,
          after: { name: team.name, leadId: body.leadId ?? null },
        };
        ctx.status = 201;
        ctx.body = await teamDto(em, team);
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/admin/teams/:id',
      summary: 'Rename a team or change its lead',
      tag: 'admin',
      permission: 'team.manage',
      audit: 'team.update',
      params: IdParams,
      body: z.strictObject({
        name: Name120.optional(),
        leadId: uuid.nullable().optional(),
        assignment: Strategy.optional(),
        categories: Categories.optional(),
      }),
      responses: { 200: { description: 'The team', schema: AdminTeam }, 404: { description: 'No such team' } },
      handler: async (c, { params, body }) => {
        const ctx = authed(c);
        const { em } = ctx.state;
        const team = await loadTeam(ctx, params.id);
        const before = {
          name: team.name,
          leadId: team.lead?.id ?? null,
          assignment: team.assignment,
          categories: team.categories ?? [],
        };
        if (body.assignment !== undefined) team.assignment = body.assignment;
        if (body.categories !== undefined)
          team.categories = await canonicalCategories(em, body.categories, 'body.categories');
        if (body.name !== undefined && body.name !== team.name) {
          if (await em.findOne(Team, { name: body.name }))
            throw new AppError(409, 'name_taken', 'A team with this name exists');
          team.name = body.name;
        }
        if (body.leadId !== undefined) {
          if (body.leadId)
            await loadUser(ctx, body.leadId).catch(() =>
              Promise.reject(validationFailed([{ field: 'leadId', message: 'No such user' }])),
            );
          team.lead = body.leadId ? em.getReference(User, body.leadId) : null;
        }
        await em.flush();
        ctx.state.audit = {
          targetType: 'team',
          targetId: team.id,
          before,
          after: {
            name: team.name,
            leadId: team.lead?.id ?? null,
            assignment: team.assignment,
            categories: team.categories ?? [],
          },
        };
        ctx.body = await teamDto(em, team);
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/admin/teams/:id',
      summary: 'Delete a team that no incident refers to',
      tag: 'admin',
      permission: 'team.manage',
      audit: 'team.delete',
      params: IdParams,
      responses: {
        204: { description: 'Deleted' },
        404: { description: 'No such team' },
        409: { description: 'In use' },
      },
      handler: async (c, { params }) => {
        const ctx = authed(c);
        const { em } = ctx.state;
        const team = await loadTeam(ctx, params.id);
        if (await em.count(Incident, { team: team.id })) {
          throw new AppError(409, 'team_in_use', 'Incidents refer to this team; rename it instead');
        }
        const org = await em.findOneOrFail(Organization, { id: ctx.state.principal.orgId });
        if (settingsOf(org.settings).routing.defaultTeamId === team.id) {
          throw new AppError(
            409,
            'team_in_use',
            'This team takes unrouted incidents (Admin → Settings); choose another first',
          );
        }
        await em.nativeDelete(TeamMember, { team: team.id });
        await em.nativeDelete(Team, { id: team.id });
        ctx.state.audit = { targetType: 'team', targetId: team.id, before: { name: team.name } };
        ctx.status = 204;
      },
    }),
    defineRoute({
      method: 'put',
      path: '/admin/teams/:id/members/:userId',
      summary: 'Add a member to a team, or set their skills',
      tag: 'admin',
      permission: 'team.manage',
      audit: 'team.member_put',
      params: z.strictObject({ id: uuid, userId: uuid }),
      body: z.strictObject({ skills: Skills.default([]) }),
      responses: { 200: { description: 'The team', schema: AdminTeam }, 404: { description: 'No such team or user' } },
      handler: async (c, { params, body }) => {
        const ctx = authed(c);
        const { em, principal } = ctx.state;
        const team = await loadTeam(ctx, params.id);
        const user = await loadUser(ctx, params.userId);
        const existing = await em.findOne(TeamMember, { team: team.id, user: user.id });
        const before = existing ? { userId: user.id, skills: existing.skills ?? [] } : null;
        // An upsert: the same member sent twice at once is one membership, both answered 200.
        await em.execute(
          `insert into team_members (organization_id, team_id, user_id, skills, created_at) values (?, ?, ?, ?, now())
           on conflict (team_id, user_id) do update set skills = excluded.skills
           where team_members.organization_id = excluded.organization_id`,
          [principal.orgId, team.id, user.id, JSON.stringify(body.skills)],
          'run',
        );
        if (existing) await em.refresh(existing);
        ctx.state.audit = {
          targetType: 'team',
          targetId: team.id,
          before,
          after: { userId: user.id, skills: body.skills },
        };
        ctx.body = await teamDto(em, team);
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/admin/teams/:id/members/:userId',
      summary: 'Remove a member from a team',
      tag: 'admin',
      permission: 'team.manage',
      audit: 'team.member_remove',
      params: z.strictObject({ id: uuid, userId: uuid }),
      responses: { 204: { description: 'Removed' }, 404: { description: 'No such team or member' } },
      handler: async (c, { params }) => {
        const ctx = authed(c);
        const team = await loadTeam(ctx, params.id);
        const n = await ctx.state.em.nativeDelete(TeamMember, { team: team.id, user: params.userId });
        if (!n) throw notFound('Team member');
        // Leaving the team also ends being its lead.
        if (team.lead?.id === params.userId) {
          team.lead = null;
          await ctx.state.em.flush();
        }
        ctx.state.audit = { targetType: 'team', targetId: team.id, before: { userId: params.userId } };
        ctx.status = 204;
      },
    }),
    // ---- roles and permissions --------------------------------------------------------------
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
    // ---- settings ---------------------------------------------------------------------------
    defineRoute({
      method: 'get',
      path: '/admin/settings',
      summary:
        'Settings in force: MFA, password and session policy, priority matrix, notification channels (secrets shown as ********)',
      tag: 'admin',
      permission: 'org.settings',
      responses: { 200: { description: 'Settings', schema: OrgSettings } },
      handler: async (c) => {
        const ctx = authed(c);
        const settings = settingsOf(
          (await ctx.state.em.findOneOrFail(Organization, { id: ctx.state.principal.orgId })).settings,
        );
        ctx.body = { ...settings, notifications: redactChannels(settings.notifications) };
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/admin/settings',
      summary: 'Change settings (only the sections sent)',
      tag: 'admin',
      permission: 'org.settings',
      audit: 'org.settings_change',
      body: OrgSettingsPatch,
      responses: { 200: { description: 'Settings now in force', schema: OrgSettings } },
      handler: async (c, { body }) => {
        const ctx = authed(c);
        const { em, principal } = ctx.state;
        const org = await em.findOneOrFail(Organization, { id: principal.orgId });
        const before = settingsOf(org.settings);
        let notifications = before.notifications;
        if (body.notifications) {
          try {
            notifications = mergeChannels(before.notifications, body.notifications);
          } catch (err) {
            throw new AppError(422, 'validation_failed', 'A new webhook needs its secret', [
              { field: 'body.notifications.webhooks', message: (err as Error).message },
            ]);
          }
        }
        const after = OrgSettings.parse({
          mfa: { ...before.mfa, ...body.mfa },
          password: { ...before.password, ...body.password },
          session: { ...before.session, ...body.session },
          priorityMatrix: body.priorityMatrix ?? before.priorityMatrix,
          notifications,
          routing: { ...before.routing, ...body.routing },
        });
        const fallback = after.routing.defaultTeamId;
        if (fallback && fallback !== before.routing.defaultTeamId && !(await em.findOne(Team, { id: fallback }))) {
          throw validationFailed([{ field: 'body.routing.defaultTeamId', message: 'No such team' }]);
        }
        org.settings = { ...(org.settings ?? {}), ...after };
        await em.flush();
        const shown = (s: OrgSettings) => ({ ...s, notifications: redactChannels(s.notifications) });
        ctx.state.audit = { targetType: 'organization', targetId: org.id, before: shown(before), after: shown(after) };
        ctx.body = shown(after);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/admin/settings/notifications/test',
      summary: 'Send a test message to a configured channel (Slack, Teams, or webhook number `index`)',
      tag: 'admin',
      permission: 'org.settings',
      audit: 'org.notification_test',
      body: z.strictObject({
        channel: z.enum(['slack', 'teams', 'webhook']),
        index: z.number().int().min(0).max(9).default(0),
      }),
      responses: {
        200: { description: 'Delivered', schema: z.object({ delivered: z.literal(true) }) },
        502: { description: 'The channel refused it or could not be reached (delivery_failed)' },
      },
      handler: async (c, { body }) => {
        const ctx = authed(c);
        const org = await ctx.state.em.findOneOrFail(Organization, { id: ctx.state.principal.orgId });
        try {
          await sendTestMessage(settingsOf(org.settings).notifications, body.channel, body.index);
        } catch (err) {
          throw new AppError(502, 'delivery_failed', `The test message did not arrive: ${(err as Error).message}`);
        }
        ctx.state.audit = { targetType: 'organization', targetId: org.id, after: body };
        ctx.body = { delivered: true };
      },
    }),
    // ---- API keys ---------------------------------------------------------------------------
    defineRoute({
      method: 'get',
      path: '/admin/api-keys',
      summary: 'API keys (secrets are never shown again)',
      tag: 'admin',
      permission: 'apikey.manage',
      responses: { 200: { description: 'Keys', schema: z.object({ items: z.array(ApiKeyDto) }) } },
      handler: async (c) => {
        const ctx = authed(c);
        const keys = await ctx.state.em.find(ApiKey, {}, { orderBy: { createdAt: 'desc' } });
        ctx.body = { items: keys.map(keyDto) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/admin/api-keys',
      summary: 'Create an API key for an integration; the secret is in this answer only',
      tag: 'admin',
      permission: 'apikey.manage',
      audit: 'apikey.create',
      body: z.strictObject({
        name: Name120,
        scopes: z
          .array(z.enum(DEFAULT_GRANTS.integration as [Permission, ...Permission[]]))
          .min(1)
          .max(20),
        expiresInDays: z.number().int().min(1).max(730).optional(),
      }),
      responses: { 201: { description: 'Created', schema: ApiKeyDto.extend({ key: z.string() }) } },
      handler: async (c, { body }) => {
        const ctx = authed(c);
        const { em, principal } = ctx.state;
        noEscalation(ctx, body.scopes, 'create a key with these scopes');
        const secret = `${API_KEY_PREFIX}${randomToken(32)}`;
        const now = new Date();
        const secretHash = sha256(secret);
        const account = em.create(User, {
          organization: principal.orgId,
          email: `apikey-${secretHash.slice(0, 12)}@${principal.orgSlug}.integrations.invalid`,
          displayName: `API key: ${body.name}`,
          role: 'integration',
          active: true,
          passwordHash: null,
        });
        const key = em.create(ApiKey, {
          organization: principal.orgId,
          serviceAccount: account,
          name: body.name,
          secretHash,
          scopes: [...new Set(body.scopes)].sort(),
          createdBy: principal.userId,
          createdAt: now,
          expiresAt: body.expiresInDays ? new Date(now.getTime() + body.expiresInDays * 86_400_000) : null,
        });
        await em.flush();
        ctx.state.audit = { targetType: 'api_key', targetId: key.id, after: { name: key.name, scopes: key.scopes } };
        ctx.status = 201;
        ctx.body = { ...keyDto(key), key: secret };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/admin/api-keys/:id',
      summary: 'Revoke an API key (at once; its service account is deactivated)',
      tag: 'admin',
      permission: 'apikey.manage',
      audit: 'apikey.revoke',
      params: IdParams,
      responses: { 204: { description: 'Revoked' }, 404: { description: 'No such key' } },
      handler: async (c, { params }) => {
        const ctx = authed(c);
        const { em } = ctx.state;
        const key = await em.findOne(ApiKey, { id: params.id });
        if (!key) throw notFound('API key');
        if (!key.revokedAt) {
          key.revokedAt = new Date();
          await em.nativeUpdate(User, { id: key.serviceAccount.id }, { active: false });
          await em.flush();
        }
        ctx.state.audit = { targetType: 'api_key', targetId: key.id, before: { name: key.name } };
        ctx.status = 204;
      },
    }),
  ];
}
