/** Admin routes for SLA policies: each change makes a new version; tickets keep theirs. */
import { z } from 'zod';
import { SlaPolicy, Team } from '../../../db/entities/index.js';
import type { Em } from '../../../db/orm.js';
import { AppError, notFound } from '../../kernel/errors.js';
import { type AnyRoute, authed, defineRoute } from '../../kernel/route.js';
import { text } from '../../kernel/schemas.js';
import { DEFAULT_POLICY, PolicyDefinition } from '../sla.js';

const Policy = z.object({
  id: z.uuid(),
  name: z.string(),
  rank: z.number(),
  active: z.boolean(),
  version: z.number(),
  definition: z.unknown(),
  updatedAt: z.string(),
});
const Body = z.strictObject({
  name: text(120).pipe(z.string().min(1)),
  rank: z.number().int().min(0).max(10_000).default(100),
  active: z.boolean().default(true),
  definition: PolicyDefinition,
});

const dto = (p: SlaPolicy): z.infer<typeof Policy> => ({
  id: p.id,
  name: p.name,
  rank: p.rank,
  active: p.active,
  version: p.version,
  definition: p.definition,
  updatedAt: p.updatedAt.toISOString(),
});

/** Requester groups must be teams of this organization (another's are as unknown as invented ones). */
async function checkTeams(em: Em, definition: z.infer<typeof PolicyDefinition>): Promise<void> {
  const ids = definition.conditions.requesterTeams ?? [];
  if (!ids.length) return;
  const found = new Set((await em.find(Team, { id: { $in: ids } })).map((t) => t.id));
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length) {
    throw new AppError(
      422,
      'validation_failed',
      'Unknown team in requesterTeams',
      missing.map((id) => ({ field: 'body.definition.conditions.requesterTeams', message: `no team ${id}` })),
    );
  }
}

export function slaRoutes(): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/admin/sla-policies',
      summary: 'SLA policies by rank, and the default that applies when none matches',
      tag: 'sla',
      permission: 'sla.manage',
      responses: {
        200: { description: 'Policies', schema: z.object({ items: z.array(Policy), fallback: z.unknown() }) },
      },
      handler: async (c) => {
        const ctx = authed(c);
        const items = await ctx.state.em.find(SlaPolicy, {}, { orderBy: { rank: 'asc', name: 'asc' } });
        ctx.body = { items: items.map(dto), fallback: DEFAULT_POLICY };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/admin/sla-policies',
      summary: 'Create an SLA policy (conditions, targets per priority, calendar, pause reasons, escalation levels)',
      tag: 'sla',
      permission: 'sla.manage',
      audit: 'sla.policy_create',
      body: Body,
      responses: { 201: { description: 'Created', schema: Policy }, 409: { description: 'Name taken' } },
      handler: async (c, { body }) => {
        const ctx = authed(c);
        const { em, principal } = ctx.state;
        if (await em.findOne(SlaPolicy, { name: body.name }))
          throw new AppError(409, 'name_taken', 'A policy with this name exists');
        await checkTeams(em, body.definition);
        const p = em.create(SlaPolicy, {
          organization: principal.orgId,
          name: body.name,
          rank: body.rank,
          active: body.active,
          version: 1,
          definition: body.definition as Record<string, unknown>,
          updatedAt: new Date(),
        });
        await em.flush();
        ctx.state.audit = { targetType: 'sla_policy', targetId: p.id, after: dto(p) };
        ctx.status = 201;
        ctx.body = dto(p);
      },
    }),
    defineRoute({
      method: 'put',
      path: '/admin/sla-policies/:id',
      summary: 'Replace a policy: the next version applies to incidents raised from now on',
      tag: 'sla',
      permission: 'sla.manage',
      audit: 'sla.policy_update',
      params: z.strictObject({ id: z.uuid() }),
      body: Body,
      responses: { 200: { description: 'The new version', schema: Policy }, 404: { description: 'No such policy' } },
      handler: async (c, { params, body }) => {
        const ctx = authed(c);
        const { em } = ctx.state;
        const p = await em.findOne(SlaPolicy, { id: params.id });
        if (!p) throw notFound('SLA policy');
        if (body.name !== p.name && (await em.findOne(SlaPolicy, { name: body.name }))) {
          throw new AppError(409, 'name_taken', 'A policy with this name exists');
        }
        await checkTeams(em, body.definition);
        const before = dto(p);
        Object.assign(p, {
          name: body.name,
          rank: body.rank,
          active: body.active,
          definition: body.definition,
          version: p.version + 1,
          updatedAt: new Date(),
        });
        await em.flush();
        ctx.state.audit = { targetType: 'sla_policy', targetId: p.id, before, after: dto(p) };
        ctx.body = dto(p);
      },
    }),
  ];
}
