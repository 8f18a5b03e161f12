/**
 * The flow interpreter's rules (workflows/request/engine.ts) and the approval tally
 * (workflows/kernel/approval.ts), pure: rules any / all / N of M / percentage, parallel lanes with
 * each kind of join, a rejection withdrawing the other lanes, conditions, set field, bounded loops,
 * deadlines on a business calendar, substitutes, and votes that are refused.
 */
import { describe, expect, it } from '@jest/globals';
import { tally } from '../../workflows/kernel/approval.js';
import type { BusinessCalendar } from '../../workflows/kernel/business-calendar.js';
import { type Flow, FlowSchema, validateFlow } from '../../workflows/kernel/flow.js';
import {
  type FlowRun,
  type Moved,
  type RunContext,
  approversFound,
  cancelRun,
  deadlinePassed,
  nextStepWake,
  startRun,
  substitutesFound,
  taskDone,
  tallyOf,
  vote,
  voteRefusal,
  waitOver,
  webhookAnswered,
} from '../../workflows/request/engine.js';
import { statusOf } from '../../workflows/request/messages.js';

const TEAM = '00000000-0000-4000-8000-00000000000a';
const ITEM = '00000000-0000-4000-8000-00000000000b';
const U = (n: number) => `00000000-0000-4000-8000-00000000010${n}`;
const MIN = 60_000;
const officeHours: BusinessCalendar = {
  timeZone: 'UTC',
  week: [[], ...Array.from({ length: 5 }, () => [{ start: '09:00', end: '17:00' }]), []],
  holidays: [],
};
const ctx = (flow: Flow, over: Partial<RunContext> = {}): RunContext => ({
  flow,
  itemId: ITEM,
  requesterTeamIds: [],
  policies: { default: { calendar: officeHours, minutes: 480 } },
  fulfilment: null,
  ...over,
});

function approval(id: string, rule: object, extra: object = {}) {
  return { id, type: 'approval', approvers: [{ kind: 'users', userIds: [U(1), U(2), U(3)] }], rule, ...extra };
}
/** start → one approval → completed / rejected. */
function single(rule: object, extra: object = {}): Flow {
  return FlowSchema.parse({
    nodes: [
      { id: 'start', type: 'start' },
      approval('a', rule, extra),
      { id: 'done', type: 'end', outcome: 'completed' },
      { id: 'no', type: 'end', outcome: 'rejected' },
    ],
    edges: [
      { from: 'start', to: 'a' },
      { from: 'a', to: 'done', when: 'approved' },
      { from: 'a', to: 'no', when: 'rejected' },
    ],
  });
}

const T0 = Date.parse('2026-12-04T16:00:00Z'); // a Friday, 16:00
const asked = (ids: number[]) => ids.map((i) => ({ userId: U(i), onBehalfOf: null }));

/** Starts a run and puts the people found at its first (resolving) approval step. */
function begin(flow: Flow, people = [1, 2, 3], c = ctx(flow)): { run: FlowRun; c: RunContext } {
  const started = startRun({}, c, T0);
  const first = started.effects.find((e) => e.kind === 'resolve');
  if (!first) return { run: started.run, c };
  return { run: approversFound(started.run, c, first.stepId, asked(people), null, T0).run, c };
}

function votes(run: FlowRun, c: RunContext, list: [string, number, 'approve' | 'reject'][]): Moved {
  let m: Moved = { run, effects: [], happened: [] };
  for (const [step, user, d] of list) {
    expect(voteRefusal(m.run, step, U(user))).toBeNull();
    m = vote(m.run, c, step, U(user), d, null, T0 + MIN);
  }
  return m;
}

describe('the tally of an approval step', () => {
  it('any: the first answer decides, approve or reject', () => {
    expect(tally({ kind: 'any' }, ['approved', 'pending']).outcome).toBe('approved');
    expect(tally({ kind: 'any' }, ['rejected', 'pending']).outcome).toBe('rejected');
    expect(tally({ kind: 'any' }, ['pending', 'pending']).outcome).toBeNull();
  });
  it('all: every approver, and one rejection rejects', () => {
    expect(tally({ kind: 'all' }, ['approved', 'approved', 'pending']).outcome).toBeNull();
    expect(tally({ kind: 'all' }, ['approved', 'approved', 'approved']).outcome).toBe('approved');
    expect(tally({ kind: 'all' }, ['approved', 'rejected', 'pending']).outcome).toBe('rejected');
  });
  it('N of M: N approvals; rejected as soon as N cannot be reached', () => {
    expect(tally({ kind: 'n_of_m', n: 2 }, ['approved', 'pending', 'pending']).text).toBe('1 of 2');
    expect(tally({ kind: 'n_of_m', n: 2 }, ['approved', 'rejected', 'approved']).outcome).toBe('approved');
    expect(tally({ kind: 'n_of_m', n: 2 }, ['rejected', 'rejected', 'pending']).outcome).toBe('rejected');
    expect(tally({ kind: 'n_of_m', n: 2 }, ['rejected', 'pending', 'pending']).outcome).toBeNull();
  });
  it('percentage of those asked, rounded up; a delegated approver counts once, through the substitute', () => {
    expect(tally({ kind: 'percent', percent: 50 }, ['approved', 'pending', 'pending', 'pending']).outcome).toBeNull();
    expect(tally({ kind: 'percent', percent: 50 }, ['approved', 'approved', 'pending', 'pending']).outcome).toBe(
      'approved',
    );
    expect(tally({ kind: 'percent', percent: 60 }, ['approved', 'pending', 'pending']).needed).toBe(2);
    expect(tally({ kind: 'percent', percent: 100 }, ['delegated', 'approved', 'approved']).outcome).toBe('approved');
  });
});

describe('running a flow', () => {
  it('N of M: the second approval completes it and the third approver is no longer required', () => {
    const flow = single({ kind: 'n_of_m', n: 2 });
    const { run, c } = begin(flow);
    expect(statusOf(run)).toBe('pending_approval');
    const after = votes(run, c, [
      ['a', 1, 'approve'],
      ['a', 3, 'approve'],
    ]);
    expect(after.run.outcome).toBe('completed');
    const step = after.run.steps[0]!;
    expect(step.status).toBe('approved');
    expect(step.approvers.map((a) => a.state)).toEqual(['approved', 'no_longer_required', 'approved']);
    expect(after.happened).toContainEqual({ what: 'no_longer_required', stepId: 'a', userIds: [U(2)] });
    expect(tallyOf(step).text).toBe('2 of 2');
  });

  it('refuses a vote from someone not asked, a second vote, and a vote after the step closed', () => {
    const { run, c } = begin(single({ kind: 'all' }));
    expect(voteRefusal(run, 'a', U(7))?.code).toBe('not_an_approver');
    expect(voteRefusal(run, 'nope', U(1))?.code).toBe('not_an_approver');
    const once = vote(run, c, 'a', U(1), 'approve', 'ok', T0).run;
    expect(voteRefusal(once, 'a', U(1))?.code).toBe('already_voted');
    const closed = vote(once, c, 'a', U(2), 'reject', null, T0).run;
    expect(closed.outcome).toBe('rejected');
    expect(voteRefusal(closed, 'a', U(3))?.code).toBe('step_closed');
  });

  it('nobody to ask rejects the step (never approved by default), and so does a rule the people asked cannot meet', () => {
    const flow = single({ kind: 'any' });
    const empty = begin(flow, []);
    expect(empty.run.outcome).toBe('rejected');
    expect(empty.run.steps[0]!.reason).toBe('no_approver');
    const few = begin(single({ kind: 'n_of_m', n: 3 }), [1, 2]);
    expect(few.run.steps[0]!.reason).toBe('rule_unmeetable');
  });

  /** start → split → two approval lanes → join(mode) → done; each lane's rejection goes where `rejectTo` says. */
  function lanes(mode: 'all' | 'any' | 'n', rejectTo: 'no' | 'join', n?: number): Flow {
    return FlowSchema.parse({
      nodes: [
        { id: 'start', type: 'start' },
        { id: 'split', type: 'split' },
        { ...approval('left', { kind: 'any' }), approvers: [{ kind: 'users', userIds: [U(1)] }] },
        { ...approval('right', { kind: 'any' }), approvers: [{ kind: 'users', userIds: [U(2)] }] },
        { id: 'join', type: 'join', split: 'split', mode, ...(n ? { n } : {}) },
        { id: 'done', type: 'end', outcome: 'completed' },
        ...(rejectTo === 'no' ? [{ id: 'no', type: 'end', outcome: 'rejected' }] : []),
      ],
      edges: [
        { from: 'start', to: 'split' },
        { from: 'split', to: 'left' },
        { from: 'split', to: 'right' },
        { from: 'left', to: 'join', when: 'approved' },
        { from: 'right', to: 'join', when: 'approved' },
        { from: 'left', to: rejectTo, when: 'rejected' },
        { from: 'right', to: rejectTo, when: 'rejected' },
        { from: 'join', to: 'done' },
      ],
    });
  }
  function beginLanes(flow: Flow) {
    const c = ctx(flow);
    const started = startRun({}, c, T0);
    expect(started.effects.map((e) => e.kind)).toEqual(['resolve', 'resolve']);
    let run = approversFound(started.run, c, 'left', asked([1]), null, T0).run;
    run = approversFound(run, c, 'right', asked([2]), null, T0).run;
    return { run, c };
  }

  it('parallel lanes joined by all: both must approve', () => {
    const flow = lanes('all', 'no');
    expect(validateFlow(flow)).toEqual([]);
    const { run, c } = beginLanes(flow);
    const one = votes(run, c, [['left', 1, 'approve']]);
    expect(one.run.outcome).toBeNull();
    expect(statusOf(one.run)).toBe('pending_approval');
    expect(votes(one.run, c, [['right', 2, 'approve']]).run.outcome).toBe('completed');
  });

  it('parallel lanes joined by any: the first lane through withdraws the other', () => {
    const { run, c } = beginLanes(lanes('any', 'no'));
    const m = votes(run, c, [['right', 2, 'approve']]);
    expect(m.run.outcome).toBe('completed');
    expect(m.run.steps.find((s) => s.id === 'left')!.status).toBe('withdrawn');
    expect(m.run.steps.find((s) => s.id === 'left')!.approvers[0]!.state).toBe('no_longer_required');
  });

  it('parallel lanes joined by N (1 of 2) pass on the first; a rejection to an end rejects and withdraws the other lane', () => {
    const n = beginLanes(lanes('n', 'no', 1));
    expect(votes(n.run, n.c, [['left', 1, 'approve']]).run.outcome).toBe('completed');
    const r = beginLanes(lanes('all', 'no'));
    const m = votes(r.run, r.c, [['left', 1, 'reject']]);
    expect(m.run.outcome).toBe('rejected');
    expect(m.run.steps.find((s) => s.id === 'right')!.status).toBe('withdrawn');
    expect(m.happened).toContainEqual({ what: 'withdrawn', stepId: 'right' });
  });

  it('unless the join says otherwise: a lane whose rejection leads into the join does not reject the request', () => {
    const flow = lanes('all', 'join');
    expect(validateFlow(flow)).toEqual([]);
    const { run, c } = beginLanes(flow);
    const m = votes(run, c, [
      ['left', 1, 'reject'],
      ['right', 2, 'approve'],
    ]);
    expect(m.run.outcome).toBe('completed');
  });

  it('conditions read answers, the requester team and the item; set field changes what later conditions read', () => {
    const flow = FlowSchema.parse({
      nodes: [
        { id: 'start', type: 'start' },
        { id: 'big', type: 'condition', subject: { kind: 'answer', fieldId: 'cost' }, op: 'gt', value: 1000 },
        { id: 'mark', type: 'set_field', field: 'tier', value: 'gold' },
        { id: 'gold', type: 'condition', subject: { kind: 'answer', fieldId: 'tier' }, op: 'eq', value: 'gold' },
        { id: 'team', type: 'condition', subject: { kind: 'requester_team' }, op: 'eq', value: TEAM },
        { id: 'yes', type: 'end', outcome: 'completed' },
        { id: 'no', type: 'end', outcome: 'rejected' },
      ],
      edges: [
        { from: 'start', to: 'big' },
        { from: 'big', to: 'mark', when: 'true' },
        { from: 'big', to: 'team', when: 'false' },
        { from: 'mark', to: 'gold' },
        { from: 'gold', to: 'yes', when: 'true' },
        { from: 'gold', to: 'no', when: 'false' },
        { from: 'team', to: 'yes', when: 'true' },
        { from: 'team', to: 'no', when: 'false' },
      ],
    });
    expect(startRun({ cost: 5000 }, ctx(flow), T0).run.outcome).toBe('completed');
    expect(startRun({ cost: 5 }, ctx(flow), T0).run.outcome).toBe('rejected');
    expect(startRun({ cost: 5 }, ctx(flow, { requesterTeamIds: [TEAM] }), T0).run.outcome).toBe('completed');
  });

  it('a deadline in business time: Friday 16:00 + 2 business days of 09–17 falls Tuesday 16:00, and escalates', () => {
    const flow = single({ kind: 'all' }, { deadline: { businessMinutes: 960, outcome: 'escalate', escalateTo: U(4) } });
    const { run, c } = begin(flow);
    const step = run.steps[0]!;
    expect(step.deadlineAt).toBe('2026-12-08T16:00:00.000Z');
    expect(nextStepWake(run)).toEqual({ at: Date.parse('2026-12-08T16:00:00Z'), stepId: 'a', kind: 'deadline' });
    const esc = deadlinePassed(run, c, 'a', Date.parse('2026-12-08T16:00:00Z'));
    expect(esc.escalatedTo).toBe(U(4));
    expect(esc.run.steps[0]!.deadlineAt).toBeNull();
    // The escalation target decides alone.
    expect(vote(esc.run, c, 'a', U(4), 'approve', null, T0).run.outcome).toBe('completed');
  });

  it('a deadline that approves or rejects by itself', () => {
    const ok = begin(single({ kind: 'all' }, { deadline: { businessMinutes: 60, outcome: 'approve' } }));
    expect(deadlinePassed(ok.run, ok.c, 'a', T0 + 2 * 60 * MIN).run.outcome).toBe('completed');
    const no = begin(single({ kind: 'all' }, { deadline: { businessMinutes: 60, outcome: 'reject' } }));
    const m = deadlinePassed(no.run, no.c, 'a', T0 + 2 * 60 * MIN);
    expect(m.run.outcome).toBe('rejected');
    expect(m.run.steps[0]!.reason).toBe('deadline');
  });

  it('a substitute takes over for someone who went away (where delegation is allowed), on their behalf', () => {
    const allowed = begin(single({ kind: 'all' }, { allowDelegation: true }));
    const m = substitutesFound(allowed.run, allowed.c, 'a', { [U(2)]: U(5) }, null, T0);
    const step = m.run.steps[0]!;
    expect(step.approvers.map((a) => [a.userId, a.state, a.onBehalfOf])).toEqual([
      [U(1), 'pending', null],
      [U(2), 'delegated', null],
      [U(3), 'pending', null],
      [U(5), 'pending', U(2)],
    ]);
    expect(voteRefusal(m.run, 'a', U(2))?.code).toBe('not_an_approver');
    const done = votes(m.run, allowed.c, [
      ['a', 1, 'approve'],
      ['a', 3, 'approve'],
      ['a', 5, 'approve'],
    ]);
    expect(done.run.outcome).toBe('completed');
    const notAllowed = begin(single({ kind: 'all' }));
    expect(substitutesFound(notAllowed.run, notAllowed.c, 'a', { [U(2)]: U(5) }, null, T0).happened).toEqual([]);
  });

  it('an approved end leads to the fulfilment task of the item’s team; done, the request is completed', () => {
    const flow = FlowSchema.parse({
      nodes: [
        { id: 'start', type: 'start' },
        { id: 'ok', type: 'end', outcome: 'approved' },
      ],
      edges: [{ from: 'start', to: 'ok' }],
    });
    const c = ctx(flow, { fulfilment: { teamId: TEAM, title: 'Hand over the laptop' } });
    const run = startRun({}, c, T0).run;
    expect(statusOf(run)).toBe('in_progress');
    const task = run.steps[0]!;
    expect([task.kind, task.teamId, task.dueAt]).toEqual(['task', TEAM, '2026-12-07T16:00:00.000Z']);
    expect(taskDone(run, c, task.id, U(1), 'handed over', T0).run.outcome).toBe('completed');
  });

  it('waits, webhook answers that drive a condition, loops bounded by their edge, cancel', () => {
    const flow = FlowSchema.parse({
      nodes: [
        { id: 'start', type: 'start' },
        { id: 'pause', type: 'wait', minutes: 30 },
        { id: 'hook', type: 'webhook', url: 'http://127.0.0.1:1/x', secretRef: 'erp' },
        {
          id: 'stock',
          type: 'condition',
          subject: { kind: 'webhook', nodeId: 'hook', path: 'stock.ok' },
          op: 'is_true',
        },
        { id: 'yes', type: 'end', outcome: 'completed' },
        { id: 'no', type: 'end', outcome: 'rejected' },
      ],
      edges: [
        { from: 'start', to: 'pause' },
        { from: 'pause', to: 'hook' },
        { from: 'hook', to: 'stock', when: 'ok' },
        { from: 'hook', to: 'no', when: 'failed' },
        { from: 'stock', to: 'yes', when: 'true' },
        { from: 'stock', to: 'pause', when: 'false', maxTraversals: 1 },
      ],
    });
    expect(validateFlow(flow)).toEqual([]);
    const c = ctx(flow);
    let run = startRun({}, c, T0).run;
    expect(nextStepWake(run)).toEqual({ at: T0 + 30 * MIN, stepId: 'pause', kind: 'wait' });
    const waited = waitOver(run, c, 'pause', T0 + 30 * MIN);
    expect(waited.effects).toMatchObject([{ kind: 'call', stepId: 'hook' }]);
    run = webhookAnswered(waited.run, c, 'hook', true, { stock: { ok: false } }, T0 + 31 * MIN).run;
    // Out of stock: once more round the loop, with new step ids for the second visit.
    expect(run.steps.map((s) => s.id)).toEqual(['pause', 'hook', 'pause.2']);
    run = webhookAnswered(
      waitOver(run, c, 'pause.2', T0 + 61 * MIN).run,
      c,
      'hook.2',
      true,
      { stock: { ok: false } },
      T0,
    ).run;
    expect([run.outcome, run.outcomeReason]).toEqual(['rejected', 'loop_limit']);
    const failed = webhookAnswered(waited.run, c, 'hook', false, null, T0).run;
    expect(failed.outcome).toBe('rejected');
    const cancelled = cancelRun(startRun({}, c, T0).run, c, T0);
    expect(cancelled.run.outcome).toBe('cancelled');
    expect(cancelled.run.steps[0]!.status).toBe('withdrawn');
  });
});
