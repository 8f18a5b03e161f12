/**
 * Trying a flow before it is published: a dry run plays the draft (or a given graph) on the
 * request engine with simulated time; a what-if replays the requests in flight on it.
 */
import { z } from 'zod';
import { type ApprovalFlow, CatalogItem, ServiceRequest, User } from '../../../db/entities/index.js';
import type { Em } from '../../../db/orm.js';
import { resolveApprovers } from '../../../activities/request/approvers.js';
import { type Flow, FlowSchema } from '../../../workflows/kernel/flow.js';
import { type Answers, type Form, evaluateForm } from '../../../workflows/kernel/form.js';
import type { RequestStep } from '../../../workflows/request/engine.js';
import { TERMINAL_REQUEST_STATUSES } from '../../../workflows/request/messages.js';
import { type DryRunDecision, type DryRunResult, dryRun } from '../../../workflows/request/simulate.js';
import type { Principal } from '../../kernel/context.js';
import { validationFailed } from '../../kernel/errors.js';
import { type AnyRoute, authed, defineRoute } from '../../kernel/route.js';
import { text, uuid } from '../../kernel/schemas.js';
import { fieldSetsById, formOf, teamIdsOf } from '../catalog.js';
import { Names } from '../../kernel/names.js';
import { FlowIdParams as IdParams, atNodes, loadFlow, problemsOf, refuseProblems } from '../flows.js';
import { runContextFor } from '../order.js';

const Person = z.object({ id: uuid, name: z.string() }).nullable();

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
    steps: r.steps.map(({ teamId, escalatedTo, ...s }) => ({
      ...s,
      asked: s.asked.map((a) => ({
        userId: a.userId,
        name: names.user(a.userId),
        onBehalfOf: a.onBehalfOf,
        onBehalfOfName: a.onBehalfOf ? names.user(a.onBehalfOf) : null,
      })),
      answeredBy: s.answeredBy.map((a) => ({ ...a, name: names.user(a.userId) })),
      escalatedTo: escalatedTo ? { id: escalatedTo, name: names.user(escalatedTo) } : null,
      team: teamId ? { id: teamId, name: names.team(teamId) ?? 'Unknown' } : null,
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

export function flowTrialRoutes(): AnyRoute[] {
  return [
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
        refuseProblems(atNodes(problemsOf(definition, form)), 'This graph', 'first');
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
        refuseProblems(atNodes(problemsOf(definition)), 'This graph', 'first');
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
