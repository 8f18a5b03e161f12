/** Admin: teams, their members and skills, lead, assignment strategy and routed categories. */
import { z } from 'zod';
import type { RecordReferences } from '../../../kernel/modules.js';
import { Organization, Team, TeamMember, User, ASSIGNMENT_STRATEGIES } from '../../../../db/entities/index.js';
import type { Em } from '../../../../db/orm.js';
import { AppError, notFound, validationFailed } from '../../../kernel/errors.js';
import { settingsOf } from '../../../../workflows/kernel/org-settings.js';
import { type AnyRoute, type AuthedContext, authed, defineRoute } from '../../../kernel/route.js';
import { text } from '../../../kernel/schemas.js';
import { canonicalCategories } from '../../../incident/routes/desk.js';

import { IdParams, Name120, loadUser, uuid } from './common.js';

const Skills = z.array(text(60).pipe(z.string().min(1))).max(50);

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

async function loadTeam(ctx: AuthedContext, id: string): Promise<Team> {
  const t = await ctx.state.em.findOne(Team, { id });
  if (!t) throw notFound('Team');
  return t;
}

export function adminTeamRoutes(references: RecordReferences): AnyRoute[] {
  return [
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
      summary: 'Delete a team that no ticket or other record refers to',
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
        const inUse = await references.teamInUse(em, team.id);
        if (inUse) throw new AppError(409, 'team_in_use', inUse);
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
  ];
}
