/**
 * Approval flows as data (issue 13): the versioned graph a process owner draws (the designer),
 * the API stores and the request workflow interprets. Pure: shared by all three, so what the
 * designer allows, what the API accepts and what the workflow runs cannot disagree.
 *
 * Nodes: start; end (approved / rejected / completed); approval (approvers: named users, a role, a
 * team, the requester's manager, a person named in a form field; rule: anyone, all, N of M, a
 * percentage; an optional deadline in business minutes with an outcome or an escalation; optional
 * delegation); condition (on a form answer, the requester's team, the catalog item, a webhook's
 * answer); parallel split and join (all / any / N); fulfilment task (a team, its own SLA);
 * notification; set field; webhook call-out; wait (a duration or until a form date).
 * Edges carry the outcome they follow (`approved` / `rejected` from an approval, `true` / `false`
 * from a condition, `ok` / `failed` from a webhook); a loop back must say how often it may be taken.
 */
import { z } from 'zod';
import { type Form, comparisonProblem, OPERATORS } from './form.js';

export const FLOW_NODE_TYPES = [
  'start',
  'end',
  'approval',
  'condition',
  'split',
  'join',
  'task',
  'notify',
  'set_field',
  'webhook',
  'wait',
] as const;
export type FlowNodeType = (typeof FLOW_NODE_TYPES)[number];

export const APPROVAL_RULES = ['any', 'all', 'n_of_m', 'percent'] as const;
export const JOIN_MODES = ['all', 'any', 'n'] as const;
export const END_OUTCOMES = ['approved', 'rejected', 'completed'] as const;

const NodeId = z
  .string()
  .regex(/^[A-Za-z][\w-]{0,39}$/, 'a node id is letters, digits, _ and -, starting with a letter');
const Text = (max: number) => z.string().min(1).max(max);

const Approvers = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('users'), userIds: z.array(z.uuid()).min(1).max(50) }),
  z.strictObject({ kind: z.literal('role'), role: Text(40) }),
  z.strictObject({ kind: z.literal('team'), teamId: z.uuid() }),
  z.strictObject({ kind: z.literal('manager') }),
  z.strictObject({ kind: z.literal('field'), fieldId: Text(40) }),
]);
export type ApproverSource = z.infer<typeof Approvers>;

const Rule = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('any') }),
  z.strictObject({ kind: z.literal('all') }),
  z.strictObject({ kind: z.literal('n_of_m'), n: z.number().int().min(1).max(50) }),
  z.strictObject({ kind: z.literal('percent'), percent: z.number().min(1).max(100) }),
]);
export type ApprovalRule = z.infer<typeof Rule>;

const Deadline = z.strictObject({
  /** Business minutes on the calendar of `slaPolicyId` (the organization's default when absent). */
  businessMinutes: z.number().int().min(1).max(525_600),
  slaPolicyId: z.uuid().optional(),
  /** What happens when it passes: the step is approved or rejected, or handed to someone. */
  outcome: z.enum(['approve', 'reject', 'escalate']),
  escalateTo: z.uuid().optional(),
});

/** What a condition reads: a form answer, the requester's team, the catalog item, a webhook's answer. */
const ConditionSubject = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('answer'), fieldId: Text(40) }),
  z.strictObject({ kind: z.literal('requester_team') }),
  z.strictObject({ kind: z.literal('catalog_item') }),
  z.strictObject({ kind: z.literal('webhook'), nodeId: NodeId, path: Text(100) }),
]);

const base = { id: NodeId, label: Text(120).optional() };
export const FlowNodeSchema = z.discriminatedUnion('type', [
  z.strictObject({ ...base, type: z.literal('start') }),
  z.strictObject({ ...base, type: z.literal('end'), outcome: z.enum(END_OUTCOMES) }),
  z.strictObject({
    ...base,
    type: z.literal('approval'),
    approvers: z.array(Approvers).min(1).max(10),
    rule: Rule,
    deadline: Deadline.optional(),
    allowDelegation: z.boolean().optional(),
  }),
  z.strictObject({
    ...base,
    type: z.literal('condition'),
    subject: ConditionSubject,
    op: z.enum(OPERATORS),
    value: z.union([z.string().max(500), z.number(), z.boolean(), z.array(z.string().max(200)).max(50)]).optional(),
  }),
  z.strictObject({ ...base, type: z.literal('split') }),
  z.strictObject({
    ...base,
    type: z.literal('join'),
    /** The split whose lanes this join brings together. */
    split: NodeId,
    mode: z.enum(JOIN_MODES),
    n: z.number().int().min(1).optional(),
  }),
  z.strictObject({
    ...base,
    type: z.literal('task'),
    teamId: z.uuid(),
    title: Text(200),
    slaPolicyId: z.uuid().optional(),
  }),
  z.strictObject({
    ...base,
    type: z.literal('notify'),
    to: z.enum(['requester', 'approvers', 'team', 'watchers']),
    template: Text(60),
  }),
  z.strictObject({
    ...base,
    type: z.literal('set_field'),
    field: Text(40),
    value: z.union([z.string().max(500), z.number(), z.boolean()]),
  }),
  z.strictObject({
    ...base,
    type: z.literal('webhook'),
    url: z.url({ protocol: /^https?$/ }).max(2000),
    secretRef: Text(100),
  }),
  z.strictObject({
    ...base,
    type: z.literal('wait'),
    minutes: z.number().int().min(1).max(525_600).optional(),
    untilField: Text(40).optional(),
  }),
]);
export type FlowNode = z.infer<typeof FlowNodeSchema>;

export const FlowEdgeSchema = z.strictObject({
  from: NodeId,
  to: NodeId,
  /** The outcome this edge follows: approved / rejected, true / false, ok / failed; none otherwise. */
  when: z.enum(['approved', 'rejected', 'true', 'false', 'ok', 'failed']).optional(),
  /** A loop back (to an earlier node) is taken at most this often. */
  maxTraversals: z.number().int().min(1).max(20).optional(),
});
export type FlowEdge = z.infer<typeof FlowEdgeSchema>;

export const FlowSchema = z.strictObject({
  nodes: z.array(FlowNodeSchema).min(2).max(200),
  edges: z.array(FlowEdgeSchema).max(400),
});
export type Flow = z.infer<typeof FlowSchema>;

export interface FlowProblem {
  /** The node the problem is at (or an edge's source). */
  nodeId: string;
  code: string;
  message: string;
}

/** What the validator needs to know of the world: the item's form, the roles there are. */
export interface FlowContext {
  form?: Form | undefined;
  roles?: readonly string[] | undefined;
}

/** The outcomes a node of each type must have an edge for (an edge each, labelled). */
const OUTCOMES: Partial<Record<FlowNodeType, readonly string[]>> = {
  approval: ['approved', 'rejected'],
  condition: ['true', 'false'],
  webhook: ['ok', 'failed'],
};

/** Approvers a rule can count on: named users by number; the others are resolved when asked. */
function countableApprovers(n: Extract<FlowNode, { type: 'approval' }>): number | null {
  return n.approvers.every((a) => a.kind === 'users')
    ? new Set(n.approvers.flatMap((a) => (a.kind === 'users' ? a.userIds : []))).size
    : null;
}

/**
 * The problems of a flow, each at its node: one start and at least one end; ids unique; edges that
 * join existing nodes, not twice, labelled with the outcomes their source has (every outcome
 * covered, single-exit nodes with one edge); every node reachable from the start and able to reach
 * an end; joins that name a split whose lanes all arrive at them, with a count their mode can
 * meet; no cycle that no edge bounds; approver rules that can be met; conditions, approvers and
 * waits that refer to fields of the item's form with operators and values that fit them.
 */
export function validateFlow(flow: Flow, ctx: FlowContext = {}): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const at = (nodeId: string, code: string, message: string) => problems.push({ nodeId, code, message });
  const nodes = new Map<string, FlowNode>();
  for (const n of flow.nodes) {
    if (nodes.has(n.id)) at(n.id, 'duplicate_node', `Two nodes have the id '${n.id}'`);
    nodes.set(n.id, n);
  }
  const starts = flow.nodes.filter((n) => n.type === 'start');
  if (starts.length !== 1)
    at(
      starts[1]?.id ?? flow.nodes[0]!.id,
      'start_count',
      `A flow has exactly one start (this one has ${starts.length})`,
    );
  if (!flow.nodes.some((n) => n.type === 'end')) at(flow.nodes[0]!.id, 'no_end', 'A flow needs at least one end');

  const out = new Map<string, FlowEdge[]>();
  const incoming = new Map<string, FlowEdge[]>();
  const seen = new Set<string>();
  for (const e of flow.edges) {
    if (!nodes.has(e.from) || !nodes.has(e.to)) {
      at(e.from, 'dangling_edge', `An edge from '${e.from}' to '${e.to}' names a node that does not exist`);
      continue;
    }
    const key = `${e.from}→${e.to}→${e.when ?? ''}`;
    if (seen.has(key)) at(e.from, 'duplicate_edge', `The edge from '${e.from}' to '${e.to}' is there twice`);
    seen.add(key);
    out.set(e.from, [...(out.get(e.from) ?? []), e]);
    incoming.set(e.to, [...(incoming.get(e.to) ?? []), e]);
  }

  for (const n of flow.nodes) {
    const exits = out.get(n.id) ?? [];
    const outcomes = OUTCOMES[n.type];
    if (n.type === 'start' && (incoming.get(n.id) ?? []).length)
      at(n.id, 'edge_into_start', 'Nothing leads back into the start');
    if (n.type === 'end') {
      if (exits.length) at(n.id, 'edge_from_end', 'An end has no way out');
      continue;
    }
    if (outcomes) {
      for (const o of outcomes)
        if (!exits.some((e) => e.when === o)) at(n.id, 'outcome_missing', `'${n.id}' has no way to go when ${o}`);
      for (const e of exits)
        if (!e.when || !outcomes.includes(e.when))
          at(
            n.id,
            'bad_outcome',
            `An edge from '${n.id}' must say which outcome it follows (${outcomes.join(' or ')})`,
          );
      for (const o of outcomes)
        if (exits.filter((e) => e.when === o).length > 1)
          at(n.id, 'outcome_twice', `'${n.id}' goes two ways when ${o}`);
    } else if (n.type === 'split') {
      if (exits.length < 2) at(n.id, 'split_lanes', `A split needs at least two lanes ('${n.id}' has ${exits.length})`);
      if (exits.some((e) => e.when)) at(n.id, 'bad_outcome', 'The lanes of a split follow no outcome');
    } else {
      if (exits.length !== 1) at(n.id, 'one_exit', `'${n.id}' needs exactly one way on (it has ${exits.length})`);
      if (exits.some((e) => e.when)) at(n.id, 'bad_outcome', `'${n.id}' has no outcomes to follow`);
    }
  }

  // Reachability forward from the start and backward from the ends.
  const walk = (from: string[], next: (id: string) => string[]) => {
    const reached = new Set(from);
    const queue = [...from];
    while (queue.length) {
      for (const m of next(queue.shift()!)) {
        if (reached.has(m)) continue;
        reached.add(m);
        queue.push(m);
      }
    }
    return reached;
  };
  const forward = (id: string) => (out.get(id) ?? []).map((e) => e.to);
  const reachable = walk(
    starts.slice(0, 1).map((s) => s.id),
    forward,
  );
  const ends = flow.nodes.filter((n) => n.type === 'end').map((n) => n.id);
  const toEnd = walk(ends, (id) => (incoming.get(id) ?? []).map((e) => e.from));
  for (const n of flow.nodes) {
    if (starts.length && !reachable.has(n.id)) at(n.id, 'unreachable', `Nothing leads to '${n.id}'`);
    else if (!toEnd.has(n.id)) at(n.id, 'no_way_to_end', `From '${n.id}' no path reaches an end`);
  }

  // Joins and their splits: every lane of the split arrives at the join.
  for (const j of flow.nodes) {
    if (j.type !== 'join') continue;
    const split = nodes.get(j.split);
    if (!split || split.type !== 'split') {
      at(j.id, 'join_without_split', `The join '${j.id}' names '${j.split}', which is not a split`);
      continue;
    }
    const lanes = (out.get(split.id) ?? []).length;
    const arriving = (incoming.get(j.id) ?? []).length;
    if (arriving !== lanes)
      at(j.id, 'join_mismatch', `'${split.id}' opens ${lanes} lanes but ${arriving} arrive at '${j.id}'`);
    for (const lane of out.get(split.id) ?? []) {
      // A lane may stop early only by a rejection; every other way leads through this join.
      const laneNodes = walk([lane.to], (id) => (id === j.id ? [] : forward(id)));
      const bypass = [...laneNodes].some((id) => {
        const n = nodes.get(id);
        return n?.type === 'end' && n.outcome !== 'rejected';
      });
      if (!laneNodes.has(j.id) || bypass)
        at(j.id, 'lane_lost', `The lane of '${split.id}' through '${lane.to}' goes on without arriving at '${j.id}'`);
    }
    if (j.mode === 'n' && (j.n === undefined || j.n > lanes))
      at(j.id, 'join_count', `The join '${j.id}' waits for ${j.n ?? '?'} of ${lanes} lanes`);
    if (j.mode !== 'n' && j.n !== undefined) at(j.id, 'join_count', `Only a join of mode 'n' takes a count`);
  }

  // Cycles: each must contain an edge that says how often it may be taken.
  const unbounded = new Map<string, string[]>();
  for (const e of flow.edges)
    if (!e.maxTraversals && nodes.has(e.from) && nodes.has(e.to))
      unbounded.set(e.from, [...(unbounded.get(e.from) ?? []), e.to]);
  const state = new Map<string, 'open' | 'done'>();
  const reported = new Set<string>();
  const dfs = (id: string): void => {
    state.set(id, 'open');
    for (const m of unbounded.get(id) ?? []) {
      if (state.get(m) === 'open' && !reported.has(m)) {
        reported.add(m);
        at(m, 'unbounded_cycle', `A loop through '${m}' has no limit: give one of its edges maxTraversals`);
      } else if (!state.has(m)) dfs(m);
    }
    state.set(id, 'done');
  };
  for (const n of flow.nodes) if (!state.has(n.id)) dfs(n.id);

  // What the nodes refer to.
  const fields = new Map((ctx.form?.fields ?? []).map((f) => [f.id, f]));
  const needField = (nodeId: string, fieldId: string, types: readonly string[], what: string) => {
    const f = fields.get(fieldId);
    if (!ctx.form) return;
    if (!f) at(nodeId, 'unknown_field', `'${nodeId}' refers to '${fieldId}', which the form does not have`);
    else if (!types.includes(f.type))
      at(nodeId, 'field_type', `'${nodeId}': '${fieldId}' is a ${f.type} field, not ${what}`);
  };
  for (const n of flow.nodes) {
    if (n.type === 'approval') {
      const m = countableApprovers(n);
      if (n.rule.kind === 'n_of_m' && m !== null && n.rule.n > m)
        at(n.id, 'rule_unmeetable', `'${n.id}' asks ${n.rule.n} of ${m} named approvers`);
      for (const a of n.approvers) {
        if (a.kind === 'field') needField(n.id, a.fieldId, ['user'], 'a person');
        if (a.kind === 'role' && ctx.roles && !ctx.roles.includes(a.role))
          at(n.id, 'unknown_role', `'${n.id}': there is no role '${a.role}'`);
      }
      if (n.deadline?.outcome === 'escalate' && !n.deadline.escalateTo)
        at(n.id, 'escalation_target', `'${n.id}' escalates at its deadline but names no one to escalate to`);
      if (n.deadline && n.deadline.outcome !== 'escalate' && n.deadline.escalateTo)
        at(n.id, 'escalation_target', `'${n.id}': only an escalating deadline names someone`);
    }
    if (n.type === 'condition') {
      if (n.subject.kind === 'answer' && ctx.form) {
        const p = comparisonProblem(
          { field: n.subject.fieldId, op: n.op, value: n.value },
          fields.get(n.subject.fieldId),
        );
        if (p) at(n.id, 'bad_condition', `'${n.id}': ${p}`);
      }
      if (n.subject.kind === 'webhook') {
        const hook = nodes.get(n.subject.nodeId);
        if (!hook || hook.type !== 'webhook')
          at(n.id, 'bad_condition', `'${n.id}' reads the answer of '${n.subject.nodeId}', which is not a webhook`);
      }
      if (
        (n.subject.kind === 'requester_team' || n.subject.kind === 'catalog_item') &&
        !['eq', 'ne', 'in'].includes(n.op)
      )
        at(n.id, 'bad_condition', `'${n.id}': compare the ${n.subject.kind.replace('_', ' ')} with eq, ne or in`);
    }
    if (n.type === 'wait') {
      if ((n.minutes === undefined) === (n.untilField === undefined))
        at(n.id, 'wait_kind', `'${n.id}' waits either a number of minutes or until a date field`);
      if (n.untilField) needField(n.id, n.untilField, ['date', 'datetime'], 'a date');
    }
    if (n.type === 'set_field') needField(n.id, n.field, [fields.get(n.field)?.type ?? 'text'], 'settable');
  }
  return problems;
}

/** The flows an organization starts with (as data, like any other; each validates). */
export function readyMadeFlows(fulfilmentTeamId: string): { key: string; name: string; flow: Flow }[] {
  const start = { id: 'start', type: 'start' } as const;
  const manager: FlowNode = {
    id: 'manager',
    type: 'approval',
    approvers: [{ kind: 'manager' }],
    rule: { kind: 'any' },
    allowDelegation: true,
  };
  const fulfil = { id: 'fulfil', type: 'task', teamId: fulfilmentTeamId, title: 'Fulfil the request' } as const;
  const ends = [
    { id: 'completed', type: 'end', outcome: 'completed' },
    { id: 'rejected', type: 'end', outcome: 'rejected' },
  ] as const;
  return [
    {
      key: 'no-approval',
      name: 'Fulfil without approval',
      flow: {
        nodes: [start, fulfil, ends[0]],
        edges: [
          { from: 'start', to: 'fulfil' },
          { from: 'fulfil', to: 'completed' },
        ],
      },
    },
    {
      key: 'manager',
      name: "The requester's manager approves",
      flow: {
        nodes: [start, manager, fulfil, ...ends],
        edges: [
          { from: 'start', to: 'manager' },
          { from: 'manager', to: 'fulfil', when: 'approved' },
          { from: 'manager', to: 'rejected', when: 'rejected' },
          { from: 'fulfil', to: 'completed' },
        ],
      },
    },
    {
      key: 'manager-then-team',
      name: 'The manager, then two of the fulfilling team',
      flow: {
        nodes: [
          start,
          manager,
          {
            id: 'team',
            type: 'approval',
            approvers: [{ kind: 'team', teamId: fulfilmentTeamId }],
            rule: { kind: 'n_of_m', n: 2 },
          },
          fulfil,
          ...ends,
        ],
        edges: [
          { from: 'start', to: 'manager' },
          { from: 'manager', to: 'team', when: 'approved' },
          { from: 'manager', to: 'rejected', when: 'rejected' },
          { from: 'team', to: 'fulfil', when: 'approved' },
          { from: 'team', to: 'rejected', when: 'rejected' },
          { from: 'fulfil', to: 'completed' },
        ],
      },
    },
  ];
}
