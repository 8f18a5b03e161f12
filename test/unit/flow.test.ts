/**
 * Approval flows as data (workflows/kernel/flow.ts): the validator accepts good flows and names
 * every kind of mistake at its node — one rule per case.
 */
import { describe, expect, it } from '@jest/globals';
import { type Flow, FlowSchema, readyMadeFlows, validateFlow } from '../../workflows/kernel/flow.js';
import { type Form, FormSchema } from '../../workflows/kernel/form.js';

const TEAM = '00000000-0000-4000-8000-000000000001';
const U = (n: number) => `00000000-0000-4000-8000-00000000010${n}`;

const form: Form = FormSchema.parse({
  fields: [
    { id: 'cost', type: 'number', label: { en: 'Cost' } },
    { id: 'owner', type: 'user', label: { en: 'Budget owner' } },
    { id: 'needed_by', type: 'date', label: { en: 'Needed by' } },
    { id: 'kind', type: 'choice', label: { en: 'Kind' }, options: [{ value: 'laptop', label: { en: 'Laptop' } }] },
  ],
});

/** Manager, then (for costs over 1000) 2 of 3 of the team and the budget owner in parallel, then fulfilment. */
const good = (): Flow =>
  FlowSchema.parse({
    nodes: [
      { id: 'start', type: 'start' },
      {
        id: 'manager',
        type: 'approval',
        approvers: [{ kind: 'manager' }],
        rule: { kind: 'any' },
        allowDelegation: true,
      },
      { id: 'costly', type: 'condition', subject: { kind: 'answer', fieldId: 'cost' }, op: 'gt', value: 1000 },
      { id: 'split', type: 'split' },
      {
        id: 'it',
        type: 'approval',
        approvers: [{ kind: 'users', userIds: [U(1), U(2), U(3)] }],
        rule: { kind: 'n_of_m', n: 2 },
        deadline: { businessMinutes: 960, outcome: 'escalate', escalateTo: U(4) },
      },
      { id: 'budget', type: 'approval', approvers: [{ kind: 'field', fieldId: 'owner' }], rule: { kind: 'all' } },
      { id: 'join', type: 'join', split: 'split', mode: 'all' },
      { id: 'fulfil', type: 'task', teamId: TEAM, title: 'Prepare the laptop' },
      { id: 'done', type: 'end', outcome: 'completed' },
      { id: 'no', type: 'end', outcome: 'rejected' },
    ],
    edges: [
      { from: 'start', to: 'manager' },
      { from: 'manager', to: 'costly', when: 'approved' },
      { from: 'manager', to: 'no', when: 'rejected' },
      { from: 'costly', to: 'split', when: 'true' },
      { from: 'costly', to: 'fulfil', when: 'false' },
      { from: 'split', to: 'it' },
      { from: 'split', to: 'budget' },
      { from: 'it', to: 'join', when: 'approved' },
      { from: 'it', to: 'no', when: 'rejected' },
      { from: 'budget', to: 'join', when: 'approved' },
      { from: 'budget', to: 'no', when: 'rejected' },
      { from: 'join', to: 'fulfil' },
      { from: 'fulfil', to: 'done' },
    ],
  });

/** The problems as [node, code] pairs after changing a good flow. */
function problemsAfter(change: (f: Flow) => void, ctx = { form }): [string, string][] {
  const f = good();
  change(f);
  return validateFlow(f, ctx).map((p) => [p.nodeId, p.code]);
}
const node = (f: Flow, id: string) => f.nodes.find((n) => n.id === id)!;

describe('flow validation', () => {
  it('accepts a good flow, with and without the form at hand', () => {
    expect(validateFlow(good(), { form })).toEqual([]);
    expect(validateFlow(good())).toEqual([]);
  });

  it('wants exactly one start and at least one end', () => {
    expect(problemsAfter((f) => f.nodes.push({ id: 'start2', type: 'start' }))).toContainEqual([
      'start2',
      'start_count',
    ]);
    const noEnd = problemsAfter((f) => {
      f.nodes = f.nodes.filter((n) => n.type !== 'end');
      f.edges = f.edges.filter((e) => e.to !== 'done' && e.to !== 'no');
    });
    expect(noEnd).toContainEqual(['start', 'no_end']);
  });

  it('refuses duplicate nodes, dangling and duplicate edges', () => {
    expect(problemsAfter((f) => f.nodes.push({ id: 'done', type: 'end', outcome: 'approved' }))).toContainEqual([
      'done',
      'duplicate_node',
    ]);
    expect(problemsAfter((f) => f.edges.push({ from: 'fulfil', to: 'ghost' }))).toContainEqual([
      'fulfil',
      'dangling_edge',
    ]);
    expect(problemsAfter((f) => f.edges.push({ from: 'fulfil', to: 'done' }))).toContainEqual([
      'fulfil',
      'duplicate_edge',
    ]);
  });

  it('wants every outcome of an approval and a condition covered, once, and single exits elsewhere', () => {
    expect(
      problemsAfter((f) => (f.edges = f.edges.filter((e) => !(e.from === 'manager' && e.when === 'rejected')))),
    ).toContainEqual(['manager', 'outcome_missing']);
    expect(problemsAfter((f) => f.edges.push({ from: 'costly', to: 'no', when: 'true' }))).toContainEqual([
      'costly',
      'outcome_twice',
    ]);
    expect(problemsAfter((f) => f.edges.push({ from: 'fulfil', to: 'no' }))).toContainEqual(['fulfil', 'one_exit']);
    expect(problemsAfter((f) => (f.edges.find((e) => e.from === 'fulfil')!.when = 'ok'))).toContainEqual([
      'fulfil',
      'bad_outcome',
    ]);
  });

  it('finds nodes nothing leads to and nodes from which no end can be reached', () => {
    expect(
      problemsAfter((f) => {
        f.nodes.push({ id: 'orphan', type: 'notify', to: 'requester', template: 'x' });
        f.edges.push({ from: 'orphan', to: 'done' });
      }),
    ).toContainEqual(['orphan', 'unreachable']);
    const stuck = problemsAfter((f) => {
      f.nodes.push({ id: 'limbo', type: 'wait', minutes: 5 }, { id: 'limbo2', type: 'wait', minutes: 5 });
      f.edges = f.edges.filter((e) => e.from !== 'fulfil');
      f.edges.push(
        { from: 'fulfil', to: 'limbo' },
        { from: 'limbo', to: 'limbo2' },
        { from: 'limbo2', to: 'limbo', maxTraversals: 3 },
      );
    });
    expect(stuck).toContainEqual(['limbo', 'no_way_to_end']);
  });

  it('wants joins that match their splits', () => {
    expect(problemsAfter((f) => Object.assign(node(f, 'join'), { split: 'manager' }))).toContainEqual([
      'join',
      'join_without_split',
    ]);
    const third = problemsAfter((f) => {
      f.nodes.push({
        id: 'legal',
        type: 'approval',
        approvers: [{ kind: 'role', role: 'admin' }],
        rule: { kind: 'any' },
      });
      f.edges.push(
        { from: 'split', to: 'legal' },
        { from: 'legal', to: 'fulfil', when: 'approved' },
        { from: 'legal', to: 'no', when: 'rejected' },
      );
    });
    expect(third).toContainEqual(['join', 'lane_lost']);
    // A way into the join from outside the split's lanes.
    expect(problemsAfter((f) => f.edges.push({ from: 'start', to: 'join' }))).toContainEqual(['join', 'join_mismatch']);
    expect(problemsAfter((f) => Object.assign(node(f, 'join'), { mode: 'n', n: 3 }))).toContainEqual([
      'join',
      'join_count',
    ]);
    expect(problemsAfter((f) => Object.assign(node(f, 'join'), { mode: 'n', n: 1 }))).toEqual([]);
  });

  it('allows a loop only with a limit', () => {
    const loop = (maxTraversals?: number) =>
      problemsAfter((f) => {
        f.nodes.push({ id: 'rework', type: 'notify', to: 'requester', template: 'rework' });
        f.edges = f.edges.filter((e) => !(e.from === 'manager' && e.when === 'rejected'));
        f.edges.push(
          { from: 'manager', to: 'rework', when: 'rejected' },
          { from: 'rework', to: 'manager', ...(maxTraversals ? { maxTraversals } : {}) },
        );
      });
    expect(loop()).toContainEqual(['manager', 'unbounded_cycle']);
    expect(loop(2)).toEqual([]);
  });

  it('wants approver rules that can be met and escalations that name someone', () => {
    expect(problemsAfter((f) => Object.assign(node(f, 'it'), { rule: { kind: 'n_of_m', n: 4 } }))).toContainEqual([
      'it',
      'rule_unmeetable',
    ]);
    expect(
      problemsAfter((f) => Object.assign(node(f, 'it'), { deadline: { businessMinutes: 60, outcome: 'escalate' } })),
    ).toContainEqual(['it', 'escalation_target']);
    expect(
      validateFlow(
        (() => {
          const f = good();
          Object.assign(node(f, 'manager'), { approvers: [{ kind: 'role', role: 'cab' }] });
          return f;
        })(),
        { form, roles: ['admin', 'agent'] },
      ).map((p) => p.code),
    ).toEqual(['unknown_role']);
  });

  it("type-checks conditions, approvers from a field and waits against the item's form", () => {
    expect(
      problemsAfter((f) => Object.assign(node(f, 'costly'), { subject: { kind: 'answer', fieldId: 'price' } })),
    ).toContainEqual(['costly', 'bad_condition']);
    expect(problemsAfter((f) => Object.assign(node(f, 'costly'), { op: 'contains' }))).toContainEqual([
      'costly',
      'bad_condition',
    ]);
    expect(problemsAfter((f) => Object.assign(node(f, 'costly'), { value: 'a lot' }))).toContainEqual([
      'costly',
      'bad_condition',
    ]);
    expect(
      problemsAfter((f) => Object.assign(node(f, 'budget'), { approvers: [{ kind: 'field', fieldId: 'cost' }] })),
    ).toContainEqual(['budget', 'field_type']);
    const wait = (w: Record<string, unknown>) =>
      problemsAfter((f) => {
        f.nodes.push({ id: 'hold', type: 'wait', ...w } as never);
        f.edges = f.edges.filter((e) => e.from !== 'fulfil');
        f.edges.push({ from: 'fulfil', to: 'hold' }, { from: 'hold', to: 'done' });
      });
    expect(wait({ untilField: 'needed_by' })).toEqual([]);
    expect(wait({ untilField: 'cost' })).toContainEqual(['hold', 'field_type']);
    expect(wait({})).toContainEqual(['hold', 'wait_kind']);
  });

  it('refuses what is not a flow at the edge (schema): unknown node types, bad ids, no approvers', () => {
    const end = { id: 'e', type: 'end', outcome: 'approved' };
    for (const first of [
      { id: 's', type: 'teleport' },
      { id: '1st', type: 'start' },
      { id: 'a', type: 'approval', approvers: [], rule: { kind: 'any' } },
    ])
      expect(FlowSchema.safeParse({ nodes: [first, end], edges: [] }).success).toBe(false);
  });

  it('ships ready-made flows that are flows like any other and validate', () => {
    const flows = readyMadeFlows(TEAM);
    expect(flows.map((f) => f.key)).toEqual([
      'no-approval',
      'manager',
      'manager-then-team',
      'manager-then-finance',
      'security-legal',
    ]);
    for (const { flow } of flows) {
      expect(FlowSchema.parse(flow)).toEqual(flow);
      expect(validateFlow(flow, { form })).toEqual([]);
    }
  });
});
