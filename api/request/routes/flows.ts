/**
 * Approval flows (issue 14): each flow has one draft, edited in the designer and saved with the
 * revision it was made from — a save or a publish against a newer revision is refused with the
 * draft as it now stands (`draft_conflict`), never silently overwritten. Publishing copies the
 * draft into an immutable numbered version once the kernel's validator finds no problem, and
 * retires the version published before; requests keep the snapshot they started with.
 * A dry run plays the draft on the request engine with simulated time; a what-if replays the
 * requests in flight on it.
 */
import { z } from 'zod';
import { ApprovalFlow, CatalogItem, FlowVersion, ServiceRequest, User } from '../../../db/entities/index.js';
import type { Em } from '../../../db/orm.js';
import { resolveApprovers } from '../../../activities/request/approvers.js';
import { type Flow, FlowSchema, type FlowProblem, validateFlow } from '../../../workflows/kernel/flow.js';
import { type Answers, type Form, evaluateForm } from '../../../workflows/kernel/form.js';
import { ROLES } from '../../../workflows/kernel/vocabulary.js';
import type { RequestStep } from '../../../workflows/request/engine.js';
import { TERMINAL_REQUEST_STATUSES } from '../../../workflows/request/messages.js';
import { type DryRunDecision, type DryRunResult, dryRun } from '../../../workflows/request/simulate.js';
import type { Principal } from '../../kernel/context.js';
import { AppError, notFound, validationFailed } from '../../kernel/errors.js';
import { type AnyRoute, authed, defineRoute } from '../../kernel/route.js';
import { text, uuid } from '../../kernel/schemas.js';
import { type Catalog, fieldSetsById, formOf, teamIdsOf } from '../catalog.js';
import { Names } from '../dto.js';
import { runContextFor } from '../order.js';
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
const IdParams = z.strictObject({ id: uuid });
const Revision = z.number().int().min(1).max(1_000_000_000);

const DECISIONS = ['approve', 'reject', 'deadline', 'ok', 'failed'] as const satisfies readonly DryRunDecision[];
const DryRunBody = z.strictObject({
  definition: FlowSchema.optional().describe('the graph to try; the saved draft when absent'),
  requesterId: uuid.describe('who places the sample request (their manager, teams and delegates are read)'),
  itemKey: text(120).optional().describe("a catalog item: its form's defaults and its fulfilment team apply"),
  answers: z.record(z.string().max(40), z.unknown()).default({}),
  decisions: z
    .record(z.string().max(40), z.enum(DECISIONS))
    .default({})
    .describe('how each node closes: approvals are approved and call-outs answer unless told otherwise'),
  webhookAnswers: z.record(z.string().max(40), z.record(z.string(), z.unknown())).optional(),
  startAt: z.iso.datetime({ offset: true }).optional().describe('when the sample request is placed; now when absent'),
});
const Asked = z.object({
  userId: uuid,
  name: z.string(),
  onBehalfOf: uuid.nullable(),
  onBehalfOfName: z.string().nullable(),
});
const DryRunDto = z.object({
  outcome: z.enum(['completed', 'rejected', 'cancelled']).nullable(),
  reason: z.string().nullable(),
  path: z.array(z.string()),
  edges: z.array(z.string()).describe('edges taken, as from>to>when'),
  steps: z.array(
    z.object({
      stepId: z.string(),
      nodeId: z.string(),
      kind: z.string(),
      label: z.string().nullable(),
      status: z.string(),
      reason: z.string().nullable(),
      openedAt: z.string(),
      closedAt: z.string().nullable(),
      asked: z.array(Asked),
      answeredBy: z.array(z.object({ userId: uuid, name: z.string(), decision: z.enum(['approve', 'reject']) })),
      deadlineAt: z.string().nullable(),
      escalatedTo: Person,
      team: Person,
      dueAt: z.string().nullable(),
    }),
  ),
  notifications: z.array(z.object({ nodeId: z.string(), to: z.string(), template: z.string(), at: z.string() })),
  endedAt: z.string(),
  stuck: z.string().nullable(),
  answerProblems: z.array(z.object({ field: z.string(), message: z.string() })),
});
const WhatIfDto = z.object({
  checked: z.number().int(),
  differs: z.array(
    z.object({
      key: z.string(),
      title: z.string(),
      version: z.number().int().nullable(),
      actual: z.array(z.object({ nodeId: z.string(), label: z.string().nullable() })),
      draft: z.array(z.object({ nodeId: z.string(), label: z.string().nullable() })),
      /** Where the two paths part (an index into both). */
      at: z.number().int(),
    }),
  ),
});

/** The draft's problems with what the validator knows without an item: the roles there are. */
const problemsOf = (definition: Flow, form?: Form) => validateFlow(definition, { roles: ROLES, form });
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

async function loadFlow(em: Em, id: string): Promise<ApprovalFlow> {
  const flow = await em.findOne(ApprovalFlow, { id });
  if (!flow) throw notFound('Flow');
  return flow;
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

/** The item a dry run orders (its form and fulfilment), checked against this flow's organization. */
async function itemFor(em: Em, key: string | undefined): Promise<{ item: CatalogItem | null; form: Form | undefined }> {
  if (!key) return { item: null, form: undefined };
  const item = await em.findOne(CatalogItem, { key });
  if (!item) throw validationFailed([{ field: 'itemKey', message: 'No catalog item with this key' }]);
  return { item, form: formOf(item, await fieldSetsById(em, item.fieldSetIds)) };
}

interface Trial {
  definition: Flow;
  requesterId: string;
  item: CatalogItem | null;
  answers: Answers;
  decisions: Record<string, DryRunDecision>;
  webhookAnswers?: Record<string, unknown> | undefined;
  startAt: number;
}

/** Plays a flow on the engine with the live directory's approvers (as the workflow's activity finds them). */
async function trial(em: Em, orgId: string, t: Trial): Promise<DryRunResult> {
  const teams = await teamIdsOf(em, t.requesterId);
  const { context } = await runContextFor(em, t.item, t.definition, teams);
  return dryRun({
    ctx: context,
    answers: t.answers,
    startAt: t.startAt,
    decisions: t.decisions,
    webhookAnswers: t.webhookAnswers,
    resolve: (node, answers, at) =>
      resolveApprovers(em, {
        orgId,
        requesterId: t.requesterId,
        answers,
        sources: node.approvers,
        allowDelegation: node.allowDelegation ?? false,
        at,
      }),
  });
}

async function dryRunDto(
  em: Em,
  r: DryRunResult,
  answerProblems: { field: string; message: string }[],
): Promise<z.infer<typeof DryRunDto>> {
  const users = r.steps.flatMap((s) => [
    ...s.asked.flatMap((a) => [a.userId, a.onBehalfOf ?? '']),
    ...s.answeredBy.map((a) => a.userId),
    s.escalatedTo ?? '',
  ]);
  const names = await Names.load(
    em,
    users,
    r.steps.map((s) => s.teamId ?? ''),
  );
  return {
    ...r,
    steps: r.steps.map((s) => ({
      stepId: s.stepId,
      nodeId: s.nodeId,
      kind: s.kind,
      label: s.label,
      status: s.status,
      reason: s.reason,
      openedAt: s.openedAt,
      closedAt: s.closedAt,
      asked: s.asked.map((a) => ({
        userId: a.userId,
        name: names.user(a.userId),
        onBehalfOf: a.onBehalfOf,
        onBehalfOfName: a.onBehalfOf ? names.user(a.onBehalfOf) : null,
      })),
      answeredBy: s.answeredBy.map((a) => ({ ...a, name: names.user(a.userId) })),
      deadlineAt: s.deadlineAt,
      escalatedTo: s.escalatedTo ? { id: s.escalatedTo, name: names.user(s.escalatedTo) } : null,
      team: s.teamId ? { id: s.teamId, name: names.team(s.teamId) ?? 'Unknown' } : null,
      dueAt: s.dueAt,
    })),
    answerProblems,
  };
}

/** How a request's closed steps went, as dry-run decisions (open steps are left to the default). */
function decisionsOf(steps: RequestStep[]): Record<string, DryRunDecision> {
  const out: Record<string, DryRunDecision> = {};
  for (const s of steps) {
    if (s.reason === 'deadline' && (s.status === 'approved' || s.status === 'rejected')) out[s.nodeId] = 'deadline';
    else if (s.status === 'rejected') out[s.nodeId] = 'reject';
    else if (s.status === 'failed') out[s.nodeId] = 'failed';
  }
  return out;
}

function refuseProblems(problems: FlowProblem[], what: string): void {
  if (!problems.length) return;
  throw new AppError(
    422,
    'flow_invalid',
    `${what} has ${problems.length} problem${problems.length === 1 ? '' : 's'}; fix ${problems.length === 1 ? 'it' : 'them'} first`,
    problems.map((p) => ({ field: `nodes.${p.nodeId}`, message: p.message })),
  );
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
          const problems = [
            ...problemsOf(now.draft).map((p) => ({ field: `nodes.${p.nodeId}`, message: p.message })),
            // Every catalog item on the flow must be able to run it with its form.
            ...(await catalog.itemsAgainst(tx, flow.id, now.draft)),
          ];
          if (problems.length) {
            throw new AppError(
              422,
              'flow_invalid',
              `The draft has ${problems.length} problem${problems.length === 1 ? '' : 's'}; fix ${problems.length === 1 ? 'it' : 'them'} before publishing`,
              problems,
            );
          }
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
    defineRoute({
      method: 'post',
      path: '/flows/:id/dry-run',
      summary: 'Try the draft (or a given graph) on the request engine with simulated time',
      description:
        'Plays the flow as the request workflow would, on the same interpreter: who is asked at each step is ' +
        'resolved from the live directory (managers, teams, roles, delegates of those away at that moment), ' +
        'deadlines fall on their business calendars, and each step closes as `decisions` say. Nothing is stored.',
      tag: 'flows',
      permission: 'flow.design',
      // Nothing is stored; who tried what (reading the directory) is still on record.
      audit: 'flow.dry_run',
      params: IdParams,
      body: DryRunBody,
      responses: {
        200: { description: 'The path taken and who was asked', schema: DryRunDto },
        404: { description: 'No such flow' },
        422: { description: 'The graph has problems (flow_invalid), or a bad requester or item' },
      },
      handler: async (c, { params, body }) => {
        const ctx = authed(c);
        const { em, principal } = ctx.state;
        const flow = await loadFlow(em, params.id);
        const definition = body.definition ?? flow.draft;
        const requester = await em.findOne(User, { id: body.requesterId });
        if (!requester) throw validationFailed([{ field: 'requesterId', message: 'No person with this id' }]);
        const { item, form } = await itemFor(em, body.itemKey);
        refuseProblems(problemsOf(definition, form), 'This graph');
        const evaluated = form ? evaluateForm(form, body.answers as Answers) : null;
        const result = await trial(em, principal.orgId, {
          definition,
          requesterId: requester.id,
          item,
          answers: evaluated ? { ...(body.answers as Answers), ...evaluated.values } : (body.answers as Answers),
          decisions: body.decisions,
          webhookAnswers: body.webhookAnswers,
          startAt: body.startAt ? Date.parse(body.startAt) : Date.now(),
        });
        ctx.state.audit = {
          targetType: 'flow',
          targetId: flow.id,
          after: { requesterId: requester.id, outcome: result.outcome },
        };
        ctx.body = await dryRunDto(
          em,
          result,
          (evaluated?.problems ?? []).map((p) => ({ field: `answers.${p.field}`, message: p.message })),
        );
      },
    }),
    defineRoute({
      method: 'post',
      path: '/flows/:id/what-if',
      summary: 'Which requests in flight on this flow would have routed differently under the draft',
      description:
        'Replays each open request (up to 200, newest first) on the draft with its own answers, requester and ' +
        'the decisions its closed steps took, and lists those whose steps part from the ones they took.',
      tag: 'flows',
      permission: 'flow.design',
      audit: 'flow.what_if',
      params: IdParams,
      body: z.strictObject({ definition: FlowSchema.optional() }),
      responses: {
        200: { description: 'The requests that would differ', schema: WhatIfDto },
        404: { description: 'No such flow' },
        422: { description: 'The graph has problems (flow_invalid)' },
      },
      handler: async (c, { params, body }) => {
        const ctx = authed(c);
        const { em, principal } = ctx.state;
        const flow = await loadFlow(em, params.id);
        const definition = body.definition ?? flow.draft;
        refuseProblems(problemsOf(definition), 'This graph');
        const answer = await whatIf(em, principal, flow, definition);
        ctx.state.audit = {
          targetType: 'flow',
          targetId: flow.id,
          after: { checked: answer.checked, differs: answer.differs.length },
        };
        ctx.body = answer;
      },
    }),
  ];
}

async function whatIf(em: Em, principal: Principal, flow: ApprovalFlow, definition: Flow) {
  const rows = await em.find(
    ServiceRequest,
    { flowId: flow.id, status: { $nin: [...TERMINAL_REQUEST_STATUSES] } },
    { orderBy: { createdAt: 'desc' }, limit: 200, populate: ['item'] },
  );
  const differs: z.infer<typeof WhatIfDto>['differs'] = [];
  for (const r of rows) {
    const steps = r.steps as RequestStep[];
    const actual = steps.map((s) => ({ nodeId: s.nodeId, label: s.label }));
    const result = await trial(em, principal.orgId, {
      definition,
      requesterId: r.requester.id,
      item: r.item,
      answers: r.answers as Answers,
      decisions: decisionsOf(steps),
      startAt: r.createdAt.getTime(),
    });
    const draft = result.steps.map((s) => ({ nodeId: s.nodeId, label: s.label }));
    const at = actual.findIndex((s, i) => draft[i]?.nodeId !== s.nodeId);
    if (at >= 0)
      differs.push({ key: `REQ-${r.number}`, title: r.title, version: r.flowVersion ?? null, actual, draft, at });
  }
  return { checked: rows.length, differs };
}
