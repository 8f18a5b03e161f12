/**
 * Approval flows as JSON (issue 13; the visual designer edits the same documents later): create a
 * flow, save drafts as new versions, publish a version once the kernel's validator finds no
 * problem. Publishing retires the version published before; requests keep the snapshot they
 * started with. Each version carries its problems, each at its node.
 */
import { z } from 'zod';
import { ApprovalFlow, FlowVersion } from '../../../db/entities/index.js';
import type { Em } from '../../../db/orm.js';
import { type Flow, FlowSchema, validateFlow } from '../../../workflows/kernel/flow.js';
import { ROLES } from '../../../workflows/kernel/vocabulary.js';
import { AppError, notFound } from '../../kernel/errors.js';
import { type AnyRoute, authed, defineRoute } from '../../kernel/route.js';
import { text, uuid } from '../../kernel/schemas.js';
import type { Catalog } from '../catalog.js';
import { inFlight } from '../queues.js';

const Problem = z.object({ nodeId: z.string(), code: z.string(), message: z.string() });
const Version = z.object({
  version: z.number().int(),
  state: z.enum(['draft', 'published', 'retired']),
  definition: z.unknown(),
  problems: z.array(Problem).describe("the validator's findings; a version with any cannot be published"),
  createdAt: z.string(),
  publishedAt: z.string().nullable(),
  inFlight: z.number().int().describe('requests still running on this version'),
});
const FlowDto = z.object({
  id: uuid,
  name: z.string(),
  published: z.number().int().nullable().describe('the published version, if any'),
  latest: z.number().int(),
  versions: z.array(Version),
});
const IdParams = z.strictObject({ id: uuid });
const VersionParams = z.strictObject({ id: uuid, version: z.coerce.number().int().min(1).max(100_000) });

/** What the validator knows without a catalog item: the roles there are (forms come with items). */
const problemsOf = (definition: Flow) => validateFlow(definition, { roles: ROLES });

async function dtoOf(em: Em, flow: ApprovalFlow): Promise<z.infer<typeof FlowDto>> {
  const versions = await em.find(FlowVersion, { flow: flow.id }, { orderBy: { version: 'desc' } });
  const running = await inFlight(em, flow.organization.id, flow.id);
  return {
    id: flow.id,
    name: flow.name,
    published: versions.find((v) => v.state === 'published')?.version ?? null,
    latest: versions[0]?.version ?? 0,
    versions: versions.map((v) => ({
      version: v.version,
      state: v.state,
      definition: v.definition,
      problems: problemsOf(v.definition),
      createdAt: v.createdAt.toISOString(),
      publishedAt: v.publishedAt?.toISOString() ?? null,
      inFlight: running.get(v.version) ?? 0,
    })),
  };
}

async function loadFlow(em: Em, id: string): Promise<ApprovalFlow> {
  const flow = await em.findOne(ApprovalFlow, { id });
  if (!flow) throw notFound('Flow');
  return flow;
}

/** Saves a definition as the flow's next version (numbered under a lock on the flow's row). */
async function saveVersion(em: Em, flow: ApprovalFlow, definition: Flow, userId: string): Promise<number> {
  return em.transactional(async (tx) => {
    await tx.execute('select id from flows where id = ? and organization_id = ? for update', [
      flow.id,
      flow.organization.id,
    ]);
    const rows = await tx.execute<{ n: number | null }[]>(
      'select max(version) as n from flow_versions where flow_id = ? and organization_id = ?',
      [flow.id, flow.organization.id],
    );
    const version = (rows[0]?.n ?? 0) + 1;
    tx.create(FlowVersion, {
      organization: flow.organization.id,
      flow: flow.id,
      version,
      definition,
      state: 'draft',
      createdBy: userId,
      publishedAt: null,
    });
    await tx.flush();
    return version;
  });
}

export function flowRoutes(catalog: Catalog): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/flows',
      summary: 'Approval flows with their versions (newest first) and each version’s problems',
      tag: 'flows',
      permission: 'flow.read',
      responses: { 200: { description: 'Flows', schema: z.object({ items: z.array(FlowDto) }) } },
      handler: async (c) => {
        const ctx = authed(c);
        const flows = await ctx.state.em.find(ApprovalFlow, {}, { orderBy: { name: 'asc' } });
        ctx.body = { items: await Promise.all(flows.map((f) => dtoOf(ctx.state.em, f))) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/flows/:id',
      summary: 'One approval flow with its versions',
      tag: 'flows',
      permission: 'flow.read',
      params: IdParams,
      responses: { 200: { description: 'The flow', schema: FlowDto }, 404: { description: 'No such flow' } },
      handler: async (c, { params }) => {
        const ctx = authed(c);
        ctx.body = await dtoOf(ctx.state.em, await loadFlow(ctx.state.em, params.id));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/flows',
      summary: 'Create an approval flow with its first draft (version 1)',
      tag: 'flows',
      permission: 'flow.design',
      audit: 'flow.create',
      body: z.strictObject({ name: text(120).pipe(z.string().min(1)), definition: FlowSchema }),
      responses: {
        201: { description: 'Created', schema: FlowDto },
        409: { description: 'A flow with this name exists (name_taken)' },
        422: { description: 'Not a flow (the schema names the field)' },
      },
      handler: async (c, { body }) => {
        const ctx = authed(c);
        const { em, principal } = ctx.state;
        const flow = em.create(ApprovalFlow, { organization: principal.orgId, name: body.name });
        await em.flush();
        await saveVersion(em, flow, body.definition, principal.userId);
        ctx.state.audit = { targetType: 'flow', targetId: flow.id, after: { name: flow.name, version: 1 } };
        ctx.status = 201;
        ctx.body = await dtoOf(em, flow);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/flows/:id/versions',
      summary: 'Save a draft as the flow’s next version (problems are reported, not refused)',
      tag: 'flows',
      permission: 'flow.design',
      audit: 'flow.version',
      params: IdParams,
      body: z.strictObject({ definition: FlowSchema }),
      responses: {
        201: { description: 'The flow with the new version', schema: FlowDto },
        404: { description: 'No such flow' },
        422: { description: 'Not a flow' },
      },
      handler: async (c, { params, body }) => {
        const ctx = authed(c);
        const { em, principal } = ctx.state;
        const flow = await loadFlow(em, params.id);
        const version = await saveVersion(em, flow, body.definition, principal.userId);
        ctx.state.audit = {
          targetType: 'flow',
          targetId: flow.id,
          after: { version, problems: problemsOf(body.definition).length },
        };
        ctx.status = 201;
        ctx.body = await dtoOf(em, flow);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/flows/:id/versions/:version/publish',
      summary: 'Publish a version: new requests run it; the one published before is retired',
      tag: 'flows',
      permission: 'flow.publish',
      audit: 'flow.publish',
      params: VersionParams,
      responses: {
        200: { description: 'The flow', schema: FlowDto },
        404: { description: 'No such flow or version' },
        409: { description: 'Already published or retired (flow_version_state)' },
        422: { description: 'The version has problems (flow_invalid), each at its node' },
      },
      handler: async (c, { params }) => {
        const ctx = authed(c);
        const { em } = ctx.state;
        const flow = await loadFlow(em, params.id);
        const target = await em.findOne(FlowVersion, { flow: flow.id, version: params.version });
        if (!target) throw notFound(`Version ${params.version} of this flow`);
        if (target.state !== 'draft') {
          throw new AppError(409, 'flow_version_state', `Version ${target.version} is ${target.state}, not a draft`);
        }
        const problems = [
          ...problemsOf(target.definition).map((p) => ({ field: `nodes.${p.nodeId}`, message: p.message })),
          // Every catalog item on the flow must be able to run it with its form.
          ...(await catalog.itemsAgainst(em, flow.id, target.definition)),
        ];
        if (problems.length) {
          throw new AppError(
            422,
            'flow_invalid',
            `Version ${target.version} has ${problems.length} problem${problems.length === 1 ? '' : 's'}; fix them in a new version`,
            problems,
          );
        }
        // Publishes are taken one at a time per flow (its row locked); the index allows one published.
        const before = await em.transactional(async (tx) => {
          await tx.execute('select id from flows where id = ? and organization_id = ? for update', [
            flow.id,
            flow.organization.id,
          ]);
          const published = await tx.findOne(FlowVersion, { flow: flow.id, state: 'published' }, { refresh: true });
          if (published) await tx.nativeUpdate(FlowVersion, { id: published.id }, { state: 'retired' });
          const won = await tx.nativeUpdate(
            FlowVersion,
            { id: target.id, state: 'draft' },
            { state: 'published', publishedAt: new Date() },
          );
          if (won !== 1) throw new AppError(409, 'flow_version_state', 'This version was published meanwhile');
          return published;
        });
        ctx.state.audit = {
          targetType: 'flow',
          targetId: flow.id,
          before: { published: before?.version ?? null },
          after: { published: target.version },
        };
        ctx.body = await dtoOf(em, flow);
      },
    }),
  ];
}
