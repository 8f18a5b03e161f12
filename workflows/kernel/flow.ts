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
 * The validator is flow-check.ts.
 */
import { z } from 'zod';
import { OPERATORS } from './form.js';

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

/** Where the designer drew a node (canvas units); the interpreter never reads it. */
const Position = z.strictObject({
  x: z.number().min(-1_000_000).max(1_000_000),
  y: z.number().min(-1_000_000).max(1_000_000),
});

export const FlowSchema = z.strictObject({
  nodes: z.array(FlowNodeSchema).min(2).max(200),
  edges: z.array(FlowEdgeSchema).max(400),
  /** The drawing: each node's position by id (nodes without one are laid out by the designer). */
  layout: z.record(NodeId, Position).optional(),
});
export type Flow = z.infer<typeof FlowSchema>;

export { type FlowContext, type FlowProblem, validateFlow } from './flow-check.js';

export interface ReadyMadeFlow {
  key: string;
  name: string;
  flow: Flow;
}

/**
 * The flows an organization starts from. `teamId` stands in for every team a template names (the
 * fulfilment team, and the finance, security and legal reviewers until the owner picks theirs).
 */
export function readyMadeFlows(teamId: string): ReadyMadeFlow[] {
  const start = { id: 'start', type: 'start' } as const;
  const manager: FlowNode = {
    id: 'manager',
    type: 'approval',
    label: "Manager's approval",
    approvers: [{ kind: 'manager' }],
    rule: { kind: 'any' },
    allowDelegation: true,
  };
  const fulfil = { id: 'fulfil', type: 'task', teamId, title: 'Fulfil the request', label: 'Fulfilment' } as const;
  const ends = [
    { id: 'completed', type: 'end', outcome: 'completed', label: 'Done' },
    { id: 'rejected', type: 'end', outcome: 'rejected', label: 'Rejected' },
  ] as const;
  const review = (id: string, label: string): FlowNode => ({
    id,
    type: 'approval',
    label,
    approvers: [{ kind: 'team', teamId }],
    rule: { kind: 'any' },
  });
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
            label: 'Two of the team',
            approvers: [{ kind: 'team', teamId }],
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
    {
      key: 'manager-then-finance',
      name: 'The manager, then finance above a cost',
      flow: {
        nodes: [
          start,
          manager,
          {
            id: 'costly',
            type: 'condition',
            label: 'Costs more than 1000?',
            subject: { kind: 'answer', fieldId: 'cost' },
            op: 'gt',
            value: 1000,
          },
          review('finance', 'Finance approval'),
          fulfil,
          ...ends,
        ],
        edges: [
          { from: 'start', to: 'manager' },
          { from: 'manager', to: 'costly', when: 'approved' },
          { from: 'manager', to: 'rejected', when: 'rejected' },
          { from: 'costly', to: 'finance', when: 'true' },
          { from: 'costly', to: 'fulfil', when: 'false' },
          { from: 'finance', to: 'fulfil', when: 'approved' },
          { from: 'finance', to: 'rejected', when: 'rejected' },
          { from: 'fulfil', to: 'completed' },
        ],
      },
    },
    {
      key: 'security-legal',
      name: 'Security and legal review in parallel',
      flow: {
        nodes: [
          start,
          { id: 'split', type: 'split', label: 'Both reviews' },
          review('security', 'Security review'),
          review('legal', 'Legal review'),
          { id: 'join', type: 'join', label: 'Both approved', split: 'split', mode: 'all' },
          fulfil,
          ...ends,
        ],
        edges: [
          { from: 'start', to: 'split' },
          { from: 'split', to: 'security' },
          { from: 'split', to: 'legal' },
          { from: 'security', to: 'join', when: 'approved' },
          { from: 'security', to: 'rejected', when: 'rejected' },
          { from: 'legal', to: 'join', when: 'approved' },
          { from: 'legal', to: 'rejected', when: 'rejected' },
          { from: 'join', to: 'fulfil' },
          { from: 'fulfil', to: 'completed' },
        ],
      },
    },
  ];
}
