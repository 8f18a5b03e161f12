/**
 * Approval flows (issue 14): each flow has one draft, edited in the designer and saved with the
 * revision it was made from — a save or a publish against a newer revision is refused with the
 * draft as it now stands (`draft_conflict`), never silently overwritten. Publishing copies the
 * draft into an immutable numbered version once the kernel's validator finds no problem, and
 * retires the version published before; requests keep the snapshot they started with.
 * Trying a draft (dry run, what-if) is in `flow-trials.ts`.
 */
import { z } from 'zod';
import { ApprovalFlow, CatalogItem, FlowVersion, User } from '../../../db/entities/index.js';
import type { Em } from '../../../db/orm.js';
import { type Flow, FlowSchema } from '../../../workflows/kernel/flow.js';
import { AppError } from '../../kernel/errors.js';
import { type AnyRoute, authed, defineRoute } from '../../kernel/route.js';
import { text, uuid } from '../../kernel/schemas.js';
import type { Catalog } from '../catalog.js';
import { Names } from '../../kernel/names.js';
import { FlowIdParams as IdParams, atNodes, loadFlow, problemsOf, refuseProblems } from '../flows.js';
import { inFlight } from '../queues.js';

const Problem = z.object({
  nodeId: z.string(),
  code: z.string(),
  message: z.string().describe('in English; `code` and `params` are stable, for a translation'),
  params: z.record(z.string(), z.union([z.string(), z.number()])),
});
const Person = z.object({ id: uuid, name: z.string() }).nullable();
const Version = z.object({
  version: z.number().int(),
  state: z.enum(['published', 'retired']),
  definition: z.unknown(),
  publishedAt: z.string().nullable(),
  publishedBy: Person,
  inFlight: z.number().int().describe('requests still running on this version'),
});
const Draft = z.object({
  definition: z.unknown(),
  revision: z.number().int().describe('name it when saving or publishing: a newer one refuses the call'),
  problems: z.array(Problem).describe("the validator's findings; publishing waits until there are none"),
  savedAt: z.string(),
  savedBy: Person,
});
const FlowDto = z.object({
  id: uuid,
  name: z.string(),
  published: z.number().int().nullable().describe('the published version, if any'),
  latest: z.number().int().describe('the newest version number (0 before the first publish)'),
  draft: Draft,
  /** Whether the draft differs from the published version. */
  unpublishedChanges: z.boolean(),
  items: z.array(z.object({ key: z.string(), name: z.string() })).describe('catalog items that run this flow'),
  versions: z.array(Version),
});
const Revision = z.number().int().min(1).max(1_000_000_000);

const sameGraph = (a: Flow, b: Flow) =>
  JSON.stringify({ n: a.nodes, e: a.edges }) === JSON.stringify({ n: b.nodes, e: b.edges });

async function dtoOf(em: Em, flow: ApprovalFlow): Promise<z.infer<typeof FlowDto>> {
  const versions = await em.find(FlowVersion, { flow: flow.id }, { orderBy: { version: 'desc' } });
  const running = await inFlight(em, flow.organization.id, flow.id);
  const items = await em.find(CatalogItem, { flow: flow.id }, { orderBy: { key: 'asc' } });
  const names = await Names.load(
    em,
    [flow.draftSavedBy?.id, ...versions.map((v) => v.createdBy?.id)].filter((x): x is string => !!x),
    [],
  );
  const person = (id: string | undefined) => (id ? { id, name: names.user(id) } : null);
  const published = versions.find((v) => v.state === 'published');
  return {
    id: flow.id,
    name: flow.name,
    published: published?.version ?? null,
    latest: versions[0]?.version ?? 0,
    draft: {
      definition: flow.draft,
      revision: flow.draftRevision,
      problems: problemsOf(flow.draft),
      savedAt: flow.draftSavedAt.toISOString(),
      savedBy: person(flow.draftSavedBy?.id),
    },
    unpublishedChanges: !versions[0] || !sameGraph(versions[0].definition, flow.draft),
    items: items.map((i) => ({ key: i.key, name: i.name.en })),
    versions: versions.map((v) => ({
      version: v.version,
      state: v.state,
      definition: v.definition,
      publishedAt: v.publishedAt?.toISOString() ?? null,
      publishedBy: person(v.createdBy?.id),
      inFlight: running.get(v.version) ?? 0,
    })),
  };
}

/** The refusal of a call made from an older revision, with the draft as it now stands. */
async function conflict(em: Em, flow: ApprovalFlow, yours: number): Promise<AppError> {
  const by = flow.draftSavedBy ? await em.findOne(User, { id: flow.draftSavedBy.id }) : null;
  return new AppError(
    409,
    'draft_conflict',
    `The draft was saved by ${by?.displayName ?? 'someone'} since you opened it (revision ${flow.draftRevision}, yours ${yours}): reload it, compare, or save yours over it`,
    [],
    {},
    {
      current: {
        revision: flow.draftRevision,
        savedAt: flow.draftSavedAt.toISOString(),
        savedBy: by ? { id: by.id, name: by.displayName } : null,
        definition: flow.draft,
      },
    },
  );
}

/** Locks the flow's row and reads it again: saves and publishes of one flow are taken one at a time. */
async function locked(tx: Em, flow: ApprovalFlow): Promise<ApprovalFlow> {
  await tx.execute('select id from flows where id = ? and organization_id = ? for update', [
    flow.id,
    flow.organization.id,
  ]);
  return tx.findOneOrFail(ApprovalFlow, { id: flow.id }, { refresh: true });
}

export function flowRoutes(catalog: Catalog): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/flows',
      summary: 'Approval flows with their draft, its problems, and their versions (newest first)',
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
      summary: 'One approval flow with its draft and versions',
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
      summary: 'Create an approval flow with its draft (revision 1); nothing is published yet',
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
        const flow = em.create(ApprovalFlow, {
          organization: principal.orgId,
          name: body.name,
          draft: body.definition,
          draftRevision: 1,
          draftSavedAt: new Date(),
          draftSavedBy: principal.userId,
        });
        await em.flush();
        ctx.state.audit = { targetType: 'flow', targetId: flow.id, after: { name: flow.name, revision: 1 } };
        ctx.status = 201;
        ctx.body = await dtoOf(em, flow);
      },
    }),
    defineRoute({
      method: 'put',
      path: '/flows/:id/draft',
      summary: 'Save the draft made from `revision` (problems are reported, not refused)',
      description:
        'A save made from an older revision than the stored one is refused with 409 `draft_conflict`; the ' +
        'problem document carries `current` (revision, savedAt, savedBy, definition) so the editor can offer ' +
        'reload, compare, or overwrite (saving again from `current.revision`).',
      tag: 'flows',
      permission: 'flow.design',
      audit: 'flow.draft',
      params: IdParams,
      body: z.strictObject({ definition: FlowSchema, revision: Revision }),
      responses: {
        200: { description: 'The flow with the saved draft', schema: FlowDto },
        404: { description: 'No such flow' },
        409: { description: 'The draft was saved since (draft_conflict), with `current`' },
        422: { description: 'Not a flow' },
      },
      handler: async (c, { params, body }) => {
        const ctx = authed(c);
        const { em, principal } = ctx.state;
        const flow = await loadFlow(em, params.id);
        const saved = await em.transactional(async (tx) => {
          const now = await locked(tx, flow);
          if (now.draftRevision !== body.revision) throw await conflict(tx, now, body.revision);
          const revision = now.draftRevision + 1;
          await tx.nativeUpdate(
            ApprovalFlow,
            { id: flow.id, draftRevision: body.revision },
            {
              draft: body.definition,
              draftRevision: revision,
              draftSavedAt: new Date(),
              draftSavedBy: principal.userId,
            },
          );
          return revision;
        });
        ctx.state.audit = {
          targetType: 'flow',
          targetId: flow.id,
          before: { revision: body.revision },
          after: { revision: saved, problems: problemsOf(body.definition).length },
        };
        ctx.body = await dtoOf(em, await em.refreshOrFail(flow));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/flows/:id/publish',
      summary: 'Publish the draft of `revision` as the next version; the one published before is retired',
      description:
        'Publishes exactly the draft the caller has seen: a newer revision refuses the call (409 ' +
        '`draft_conflict`). The draft must have no problem, and every catalog item on the flow must be able ' +
        'to run it with its form (422 `flow_invalid`, each problem at its node or item).',
      tag: 'flows',
      permission: 'flow.publish',
      audit: 'flow.publish',
      params: IdParams,
      body: z.strictObject({ revision: Revision }),
      responses: {
        200: { description: 'The flow', schema: FlowDto },
        404: { description: 'No such flow' },
        409: {
          description: 'The draft changed since (draft_conflict), or is already the published version (flow_unchanged)',
        },
        422: { description: 'The draft has problems (flow_invalid), each at its node' },
      },
      handler: async (c, { params, body }) => {
        const ctx = authed(c);
        const { em, principal } = ctx.state;
        const flow = await loadFlow(em, params.id);
        const { version, before } = await em.transactional(async (tx) => {
          const now = await locked(tx, flow);
          if (now.draftRevision !== body.revision) throw await conflict(tx, now, body.revision);
          refuseProblems(
            [
              ...atNodes(problemsOf(now.draft)),
              // Every catalog item on the flow must be able to run it with its form.
              ...(await catalog.itemsAgainst(tx, flow.id, now.draft)),
            ],
            'The draft',
            'before publishing',
          );
          const newest = await tx.findOne(FlowVersion, { flow: flow.id }, { orderBy: { version: 'desc' } });
          const published = await tx.findOne(FlowVersion, { flow: flow.id, state: 'published' });
          if (published && newest?.version === published.version && sameGraph(published.definition, now.draft)) {
            throw new AppError(409, 'flow_unchanged', `The draft is version ${published.version} as published`);
          }
          if (published) await tx.nativeUpdate(FlowVersion, { id: published.id }, { state: 'retired' });
          const next = (newest?.version ?? 0) + 1;
          tx.create(FlowVersion, {
            organization: flow.organization.id,
            flow: flow.id,
            version: next,
            definition: now.draft,
            state: 'published',
            createdBy: principal.userId,
            publishedAt: new Date(),
          });
          await tx.flush();
          return { version: next, before: published?.version ?? null };
        });
        ctx.state.audit = {
          targetType: 'flow',
          targetId: flow.id,
          before: { published: before },
          after: { published: version, revision: body.revision },
        };
        ctx.body = await dtoOf(em, flow);
      },
    }),
  ];
}
