/**
 * The flow interpreter's rules, pure: a request's run of its flow snapshot as tokens on nodes.
 * Nodes that need no one (start, condition, split, join, set field, notification, end) are passed
 * at once; a token stops at an approval, a fulfilment task, a wait or a webhook call-out, each of
 * which is a *step* of the request until it closes with an outcome and the token follows the edge
 * for it. The workflow (workflow.ts) calls these with the time and what activities found (the
 * approvers a step asks, a webhook's answer) and carries out the effects they return.
 */
import { type Tally, tally, type ApproverState, type VoteDecision } from '../kernel/approval.js';
import { type BusinessCalendar, addBusinessTime } from '../kernel/business-calendar.js';
import type { ApprovalRule, Flow, FlowEdge, FlowNode } from '../kernel/flow.js';
import { type Answer, type Answers, holds } from '../kernel/form.js';
import type { Refused } from '../runtime/ticket-runtime.js';

const MIN = 60_000;

export type StepKind = 'approval' | 'task' | 'wait' | 'webhook';
export type StepStatus = 'resolving' | 'open' | 'approved' | 'rejected' | 'done' | 'ok' | 'failed' | 'withdrawn';
export type RunOutcome = 'completed' | 'rejected' | 'cancelled';

/** One person asked at an approval step (a substitute names whom they act for). */
export interface StepApprover {
  userId: string;
  onBehalfOf: string | null;
  state: ApproverState;
  askedAt: string;
  at: string | null;
  comment: string | null;
}

/** A stop of the request on its way: an approval, a fulfilment task, a wait, a webhook call-out. */
export interface RequestStep {
  /** The node id, with `.<visit>` from the second visit of a loop on. */
  id: string;
  nodeId: string;
  kind: StepKind;
  label: string | null;
  status: StepStatus;
  openedAt: string;
  closedAt: string | null;
  /** Why it closed as it did, when not by people's answers (deadline, no_approver, withdrawn, …). */
  reason: string | null;
  approvers: StepApprover[];
  rule: ApprovalRule | null;
  allowDelegation: boolean;
  deadlineAt: string | null;
  /** Who the deadline handed the step to; their answer decides it. */
  escalatedTo: string | null;
  /** When the substitutes of those asked are looked at again (an away period starting). */
  recheckAt: string | null;
  teamId: string | null;
  title: string | null;
  dueAt: string | null;
  doneBy: string | null;
  note: string | null;
  wakeAt: string | null;
}

interface Token {
  id: number;
  at: string;
  /** The split instances the token is inside, innermost last. */
  lanes: string[];
  stepId: string | null;
}

/** A request's run of its flow: where its tokens are, its steps, and what it has decided. */
export interface FlowRun {
  tokens: Token[];
  steps: RequestStep[];
  joins: Record<string, { lanes: number; arrived: number; passed: boolean }>;
  traversals: Record<string, number>;
  visits: Record<string, number>;
  /** The form's answers as the flow sees them (a set-field node changes them). */
  answers: Answers;
  /** Webhook answers by node id (a condition can read them). */
  webhook: Record<string, unknown>;
  outcome: RunOutcome | null;
  outcomeReason: string | null;
  seq: number;
}

/** What the run needs of the world that does not change while it runs. */
export interface RunContext {
  flow: Flow;
  itemId: string;
  requesterTeamIds: string[];
  /** Calendars and resolution minutes by SLA policy id; `default` is the organization's. */
  policies: Record<string, { calendar: BusinessCalendar; minutes: number }>;
  /** The fulfilment an `approved` end leads to (the item's team), or null: completed at once. */
  fulfilment: { teamId: string; title: string } | null;
}

/** Work for the workflow: ask activities, send notifications. */
export type Effect =
  | { kind: 'resolve'; stepId: string; node: Extract<FlowNode, { type: 'approval' }> }
  | { kind: 'call'; stepId: string; node: Extract<FlowNode, { type: 'webhook' }> }
  | { kind: 'notify'; nodeId: string; to: Extract<FlowNode, { type: 'notify' }>['to']; template: string };

/** What a change did to the run, in words for the timeline. */
export type Happening =
  | { what: 'opened'; stepId: string; kind: StepKind }
  | { what: 'closed'; stepId: string; status: StepStatus; reason: string | null }
  | { what: 'withdrawn'; stepId: string }
  | { what: 'no_longer_required'; stepId: string; userIds: string[] }
  | { what: 'asked'; stepId: string; userIds: string[] }
  | { what: 'substitute'; stepId: string; userId: string; onBehalfOf: string }
  | { what: 'field_set'; field: string; value: Answer }
  | { what: 'lane_dropped'; nodeId: string }
  | { what: 'ended'; outcome: RunOutcome; reason: string | null };

export interface Moved {
  run: FlowRun;
  effects: Effect[];
  happened: Happening[];
}

export function newRun(answers: Answers): FlowRun {
  return {
    tokens: [{ id: 1, at: '', lanes: [], stepId: null }],
    steps: [],
    joins: {},
    traversals: {},
    visits: {},
    answers,
    webhook: {},
    outcome: null,
    outcomeReason: null,
    seq: 1,
  };
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const iso = (t: number) => new Date(t).toISOString();

/** The engine over one run: a copy is changed, effects and happenings collected. */
class Mover {
  readonly run: FlowRun;
  readonly effects: Effect[] = [];
  readonly happened: Happening[] = [];
  private readonly nodes: Map<string, FlowNode>;
  constructor(
    run: FlowRun,
    private readonly ctx: RunContext,
    private readonly now: number,
  ) {
    this.run = clone(run);
    this.nodes = new Map(ctx.flow.nodes.map((n) => [n.id, n]));
    // A new run's token stands before the start.
    for (const t of this.run.tokens) if (t.at === '') t.at = ctx.flow.nodes.find((n) => n.type === 'start')!.id;
  }

  result(): Moved {
    return { run: this.run, effects: this.effects, happened: this.happened };
  }

  step(id: string): RequestStep | undefined {
    return this.run.steps.find((s) => s.id === id);
  }

  private exits(nodeId: string): FlowEdge[] {
    return this.ctx.flow.edges.filter((e) => e.from === nodeId);
  }

  /** Moves a token along an edge (bounded loops end the request when their limit is passed). */
  private follow(token: Token, edge: FlowEdge | undefined): void {
    if (!edge) return this.finish('rejected', `no_way_on:${token.at}`);
    const key = `${edge.from}>${edge.to}>${edge.when ?? ''}`;
    const taken = (this.run.traversals[key] ?? 0) + 1;
    this.run.traversals[key] = taken;
    if (edge.maxTraversals !== undefined && taken > edge.maxTraversals) return this.finish('rejected', 'loop_limit');
    token.at = edge.to;
  }

  private followOutcome(token: Token, when?: string): void {
    const exits = this.exits(token.at);
    this.follow(token, when === undefined ? exits[0] : exits.find((e) => e.when === when));
  }

  /** Passes every token that is not held by a step, until all are held or the run has ended. */
  advance(): this {
    for (let guard = 0; guard < 10_000; guard++) {
      if (this.run.outcome) return this;
      const token = this.run.tokens.find((t) => t.stepId === null);
      if (!token) return this;
      this.pass(token);
    }
    this.finish('rejected', 'runaway');
    return this;
  }

  private pass(token: Token): void {
    const node = this.nodes.get(token.at);
    if (!node) return this.finish('rejected', `no_node:${token.at}`);
    switch (node.type) {
      case 'start':
      case 'notify':
      case 'set_field':
        if (node.type === 'notify')
          this.effects.push({ kind: 'notify', nodeId: node.id, to: node.to, template: node.template });
        if (node.type === 'set_field') {
          this.run.answers[node.field] = node.value;
          this.happened.push({ what: 'field_set', field: node.field, value: node.value });
        }
        return this.followOutcome(token);
      case 'condition':
        return this.followOutcome(token, String(this.holds(node)));
      case 'split': {
        const instance = `${node.id}@${++this.run.seq}`;
        const lanes = this.exits(node.id);
        this.run.joins[instance] = { lanes: lanes.length, arrived: 0, passed: false };
        this.run.tokens = this.run.tokens.filter((t) => t !== token);
        for (const edge of lanes) {
          const lane: Token = { id: ++this.run.seq, at: node.id, lanes: [...token.lanes, instance], stepId: null };
          this.run.tokens.push(lane);
          this.follow(lane, edge);
        }
        return;
      }
      case 'join':
        return this.join(token, node);
      case 'end':
        if (node.outcome === 'rejected') return this.finish('rejected', null);
        if (node.outcome === 'approved' && this.ctx.fulfilment) return this.openFulfilment(token, node.id);
        return this.finish('completed', null);
      case 'approval':
      case 'task':
      case 'wait':
      case 'webhook':
        return this.open(token, node);
    }
  }

  private holds(node: Extract<FlowNode, { type: 'condition' }>): boolean {
    const s = node.subject;
    const cmp = (v: Answer | null | undefined) => holds({ field: 'x', op: node.op, value: node.value }, { x: v });
    switch (s.kind) {
      case 'answer':
        return holds({ field: s.fieldId, op: node.op, value: node.value }, this.run.answers);
      case 'catalog_item':
        return cmp(this.ctx.itemId);
      case 'requester_team':
        // The requester is on several teams: the condition holds for one of them (ne: for none).
        if (node.op === 'ne') return !this.ctx.requesterTeamIds.includes(String(node.value));
        return this.ctx.requesterTeamIds.some((t) => cmp(t));
      case 'webhook': {
        let v: unknown = this.run.webhook[s.nodeId];
        for (const part of s.path.split('.'))
          v = v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
        return cmp(v as Answer | undefined);
      }
    }
  }

  private join(token: Token, node: Extract<FlowNode, { type: 'join' }>): void {
    this.run.tokens = this.run.tokens.filter((t) => t !== token);
    const instance = token.lanes.at(-1);
    const j = instance?.startsWith(`${node.split}@`) ? this.run.joins[instance] : undefined;
    if (!j || !instance) return this.finish('rejected', `join_without_lane:${node.id}`);
    if (j.passed) {
      this.happened.push({ what: 'lane_dropped', nodeId: node.id });
      return;
    }
    j.arrived++;
    const need = node.mode === 'all' ? j.lanes : node.mode === 'any' ? 1 : (node.n ?? j.lanes);
    if (j.arrived < need) return;
    j.passed = true;
    // The lanes the join no longer waits for are withdrawn, with their steps.
    for (const t of this.run.tokens.filter((x) => x.lanes.includes(instance))) this.dropToken(t);
    const on: Token = { id: ++this.run.seq, at: node.id, lanes: token.lanes.slice(0, -1), stepId: null };
    this.run.tokens.push(on);
    this.followOutcome(on);
  }

  private dropToken(t: Token): void {
    this.run.tokens = this.run.tokens.filter((x) => x !== t);
    const s = t.stepId ? this.step(t.stepId) : undefined;
    if (s) this.withdraw(s);
  }

  private newStep(token: Token, nodeId: string, kind: StepKind, label: string | null): RequestStep {
    const visit = (this.run.visits[nodeId] ?? 0) + 1;
    this.run.visits[nodeId] = visit;
    const step: RequestStep = {
      id: visit === 1 ? nodeId : `${nodeId}.${visit}`,
      nodeId,
      kind,
      label,
      status: 'open',
      openedAt: iso(this.now),
      closedAt: null,
      reason: null,
      approvers: [],
      rule: null,
      allowDelegation: false,
      deadlineAt: null,
      escalatedTo: null,
      recheckAt: null,
      teamId: null,
      title: null,
      dueAt: null,
      doneBy: null,
      note: null,
      wakeAt: null,
    };
    this.run.steps.push(step);
    token.stepId = step.id;
    return step;
  }

  private dueAt(policyId: string | undefined, minutes?: number): string | null {
    const p = this.ctx.policies[policyId ?? 'default'] ?? this.ctx.policies['default'];
    if (!p) return null;
    return iso(addBusinessTime(p.calendar, this.now, (minutes ?? p.minutes) * MIN));
  }

  private openFulfilment(token: Token, endId: string): void {
    const f = this.ctx.fulfilment!;
    const s = this.newStep(token, endId, 'task', null);
    s.teamId = f.teamId;
    s.title = f.title;
    s.dueAt = this.dueAt(undefined);
    this.happened.push({ what: 'opened', stepId: s.id, kind: 'task' });
  }

  private open(token: Token, node: Extract<FlowNode, { type: StepKind }>): void {
    const s = this.newStep(token, node.id, node.type, node.label ?? null);
    switch (node.type) {
      case 'approval':
        s.status = 'resolving';
        s.rule = node.rule;
        s.allowDelegation = node.allowDelegation ?? false;
        this.effects.push({ kind: 'resolve', stepId: s.id, node });
        break;
      case 'task':
        s.teamId = node.teamId;
        s.title = node.title;
        s.dueAt = this.dueAt(node.slaPolicyId);
        break;
      case 'wait': {
        const until = node.untilField ? this.run.answers[node.untilField] : undefined;
        const at = node.minutes !== undefined ? this.now + node.minutes * MIN : Date.parse(String(until ?? ''));
        // A date not given (a hidden field) waits for nothing.
        s.wakeAt = iso(Number.isNaN(at) ? this.now : Math.max(this.now, at));
        break;
      }
      case 'webhook':
        this.effects.push({ kind: 'call', stepId: s.id, node });
        break;
    }
    this.happened.push({ what: 'opened', stepId: s.id, kind: s.kind });
  }

  private withdraw(s: RequestStep): void {
    if (!isOpen(s)) return;
    this.releasePending(s);
    s.status = 'withdrawn';
    s.reason = 'withdrawn';
    s.closedAt = iso(this.now);
    this.happened.push({ what: 'withdrawn', stepId: s.id });
  }

  /** Those still asked at a closing step are no longer required (their tasks leave their inboxes). */
  private releasePending(s: RequestStep): void {
    const released = s.approvers.filter((a) => a.state === 'pending');
    for (const a of released) a.state = 'no_longer_required';
    if (released.length)
      this.happened.push({ what: 'no_longer_required', stepId: s.id, userIds: released.map((a) => a.userId) });
  }

  /** Ends the run: every open step is withdrawn. */
  finish(outcome: RunOutcome, reason: string | null): void {
    if (this.run.outcome) return;
    for (const s of this.run.steps) this.withdraw(s);
    this.run.tokens = [];
    this.run.outcome = outcome;
    this.run.outcomeReason = reason;
    this.happened.push({ what: 'ended', outcome, reason });
  }

  /** Closes a step with its outcome; its token follows the edge for it. */
  close(s: RequestStep, status: StepStatus, reason: string | null): this {
    this.releasePending(s);
    s.status = status;
    s.reason = reason;
    s.closedAt = iso(this.now);
    this.happened.push({ what: 'closed', stepId: s.id, status, reason });
    const token = this.run.tokens.find((t) => t.stepId === s.id);
    if (!token) return this;
    token.stepId = null;
    // The fulfilment after an approved end completes the request.
    if (this.nodes.get(token.at)?.type === 'end') {
      this.finish('completed', null);
      return this;
    }
    const when =
      status === 'approved' || status === 'rejected' || status === 'ok' || status === 'failed' ? status : undefined;
    this.followOutcome(token, when);
    return this.advance();
  }

  /** Closes an approval step whose tally has an outcome. */
  decideIfDone(s: RequestStep, reason: string | null = null): this {
    const t = tallyOf(s);
    if (t.outcome) this.close(s, t.outcome, reason);
    return this;
  }
}

export function isOpen(s: RequestStep): boolean {
  return s.status === 'open' || s.status === 'resolving';
}

/** The tally of an approval step ("2 of 3"); an escalation target's answer decides alone. */
export function tallyOf(s: RequestStep): Tally {
  const t = tally(
    s.rule ?? { kind: 'any' },
    s.approvers.map((a) => a.state),
  );
  const escalated = s.escalatedTo ? s.approvers.find((a) => a.userId === s.escalatedTo) : undefined;
  if (escalated && (escalated.state === 'approved' || escalated.state === 'rejected'))
    return { ...t, outcome: escalated.state };
  return t;
}

/** Starts a run: from the start to the first steps. */
export function startRun(answers: Answers, ctx: RunContext, now: number): Moved {
  return new Mover(newRun(answers), ctx, now).advance().result();
}

/** Who an approval step asks, as an activity found them (substitutes for those away). */
export interface ResolvedApprover {
  userId: string;
  onBehalfOf: string | null;
}

/**
 * Puts the people found at a resolving approval step: nobody to ask rejects it (a request never
 * passes an approval by default); a rule that those asked cannot meet rejects it too.
 */
export function approversFound(
  run: FlowRun,
  ctx: RunContext,
  stepId: string,
  found: ResolvedApprover[],
  recheckAt: string | null,
  now: number,
): Moved {
  const m = new Mover(run, ctx, now);
  const s = m.step(stepId);
  if (!s || s.status !== 'resolving') return m.result();
  const node = ctx.flow.nodes.find((n) => n.id === s.nodeId);
  const seen = new Set<string>();
  for (const a of found) {
    if (seen.has(a.userId)) continue;
    seen.add(a.userId);
    s.approvers.push({ ...a, state: 'pending', askedAt: iso(now), at: null, comment: null });
  }
  s.status = 'open';
  s.recheckAt = recheckAt;
  if (node?.type === 'approval' && node.deadline) {
    const p = ctx.policies[node.deadline.slaPolicyId ?? 'default'] ?? ctx.policies['default'];
    if (p) s.deadlineAt = iso(addBusinessTime(p.calendar, now, node.deadline.businessMinutes * MIN));
  }
  m.happened.push({ what: 'asked', stepId, userIds: s.approvers.map((a) => a.userId) });
  for (const a of s.approvers)
    if (a.onBehalfOf) m.happened.push({ what: 'substitute', stepId, userId: a.userId, onBehalfOf: a.onBehalfOf });
  if (!s.approvers.length) return m.close(s, 'rejected', 'no_approver').result();
  return m.decideIfDone(s, tallyOf(s).outcome === 'rejected' ? 'rule_unmeetable' : null).result();
}

/** Why a vote is refused (nothing is recorded), or null. */
export function voteRefusal(run: FlowRun, stepId: string, userId: string): Refused | null {
  const s = run.steps.find((x) => x.id === stepId);
  if (!s || s.kind !== 'approval')
    return { code: 'not_an_approver', detail: `This request has no approval step '${stepId}'`, field: 'stepId' };
  if (!isOpen(s))
    return { code: 'step_closed', detail: `The step '${s.label ?? s.id}' is already ${s.status}`, field: 'stepId' };
  const mine = s.approvers.filter((a) => a.userId === userId);
  if (!mine.length) return { code: 'not_an_approver', detail: 'You are not (or no longer) an approver of this step' };
  if (mine.some((a) => a.state === 'delegated'))
    return { code: 'not_an_approver', detail: 'Your substitute answers this step for you while you are away' };
  if (mine.some((a) => a.state === 'pending')) return null;
  if (mine.every((a) => a.state === 'no_longer_required'))
    return { code: 'step_closed', detail: 'Your answer is no longer required' };
  return { code: 'already_voted', detail: 'You have already answered this step' };
}

/** Records a vote (check voteRefusal first) and closes the step when its rule is met. */
export function vote(
  run: FlowRun,
  ctx: RunContext,
  stepId: string,
  userId: string,
  decision: VoteDecision,
  comment: string | null,
  now: number,
): Moved & { tally: Tally; onBehalfOf: string | null } {
  const m = new Mover(run, ctx, now);
  const s = m.step(stepId)!;
  const a = s.approvers.find((x) => x.userId === userId && x.state === 'pending')!;
  a.state = decision === 'approve' ? 'approved' : 'rejected';
  a.at = iso(now);
  a.comment = comment;
  const t = tallyOf(s);
  m.decideIfDone(s);
  return { ...m.result(), tally: t, onBehalfOf: a.onBehalfOf };
}

/** A step's deadline has come: approved, rejected, or handed to the escalation target. */
export function deadlinePassed(
  run: FlowRun,
  ctx: RunContext,
  stepId: string,
  now: number,
): Moved & { escalatedTo: string | null } {
  const m = new Mover(run, ctx, now);
  const s = m.step(stepId);
  const node = ctx.flow.nodes.find((n) => n.id === s?.nodeId);
  if (!s || !isOpen(s) || node?.type !== 'approval' || !node.deadline) return { ...m.result(), escalatedTo: null };
  s.deadlineAt = null;
  const d = node.deadline;
  if (d.outcome === 'approve') return { ...m.close(s, 'approved', 'deadline').result(), escalatedTo: null };
  if (d.outcome === 'reject') return { ...m.close(s, 'rejected', 'deadline').result(), escalatedTo: null };
  const to = d.escalateTo!;
  s.escalatedTo = to;
  const existing = s.approvers.find((a) => a.userId === to);
  if (existing) existing.state = existing.state === 'no_longer_required' ? 'pending' : existing.state;
  else s.approvers.push({ userId: to, onBehalfOf: null, state: 'pending', askedAt: iso(now), at: null, comment: null });
  m.happened.push({ what: 'asked', stepId, userIds: [to] });
  return { ...m.decideIfDone(s, 'deadline').result(), escalatedTo: to };
}

/** Substitutes take over for those asked who went away (when the step allows it). */
export function substitutesFound(
  run: FlowRun,
  ctx: RunContext,
  stepId: string,
  substitutes: Record<string, string>,
  recheckAt: string | null,
  now: number,
): Moved {
  const m = new Mover(run, ctx, now);
  const s = m.step(stepId);
  if (!s || s.status !== 'open') return m.result();
  s.recheckAt = recheckAt;
  if (!s.allowDelegation) return m.result();
  for (const a of [...s.approvers]) {
    const sub = substitutes[a.userId];
    if (a.state !== 'pending' || !sub || s.approvers.some((x) => x.userId === sub)) continue;
    a.state = 'delegated';
    s.approvers.push({
      userId: sub,
      onBehalfOf: a.userId,
      state: 'pending',
      askedAt: iso(now),
      at: null,
      comment: null,
    });
    m.happened.push({ what: 'substitute', stepId, userId: sub, onBehalfOf: a.userId });
  }
  return m.result();
}

export function taskRefusal(run: FlowRun, stepId: string): Refused | null {
  const s = run.steps.find((x) => x.id === stepId);
  if (!s || s.kind !== 'task')
    return { code: 'invalid_command', detail: `No fulfilment task '${stepId}'`, field: 'stepId' };
  if (!isOpen(s)) return { code: 'step_closed', detail: `The task '${s.title ?? s.id}' is already ${s.status}` };
  return null;
}

/** An agent completes a fulfilment task. */
export function taskDone(
  run: FlowRun,
  ctx: RunContext,
  stepId: string,
  by: string,
  note: string | null,
  now: number,
): Moved {
  const m = new Mover(run, ctx, now);
  const s = m.step(stepId)!;
  s.doneBy = by;
  s.note = note;
  return m.close(s, 'done', null).result();
}

/** A wait's time has come. */
export function waitOver(run: FlowRun, ctx: RunContext, stepId: string, now: number): Moved {
  const m = new Mover(run, ctx, now);
  const s = m.step(stepId);
  if (!s || !isOpen(s) || s.kind !== 'wait') return m.result();
  return m.close(s, 'done', null).result();
}

/** A webhook call-out answered (or gave up after its retries). */
export function webhookAnswered(
  run: FlowRun,
  ctx: RunContext,
  stepId: string,
  ok: boolean,
  answer: unknown,
  now: number,
): Moved {
  const m = new Mover(run, ctx, now);
  const s = m.step(stepId);
  if (!s || !isOpen(s) || s.kind !== 'webhook') return m.result();
  m.run.webhook[s.nodeId] = answer;
  return m.close(s, ok ? 'ok' : 'failed', ok ? null : 'call_failed').result();
}

/** The requester (or the desk) cancels: every open step is withdrawn. */
export function cancelRun(run: FlowRun, ctx: RunContext, now: number): Moved {
  const m = new Mover(run, ctx, now);
  m.finish('cancelled', null);
  return m.result();
}

/** The next instant a step of the run wants the workflow: a deadline, a wait, a substitute check. */
export function nextStepWake(
  run: FlowRun,
): { at: number; stepId: string; kind: 'deadline' | 'wait' | 'recheck' } | null {
  let best: { at: number; stepId: string; kind: 'deadline' | 'wait' | 'recheck' } | null = null;
  for (const s of run.steps) {
    if (!isOpen(s)) continue;
    const times = [
      ['deadline', s.deadlineAt],
      ['wait', s.wakeAt],
      ['recheck', s.status === 'open' && s.allowDelegation ? s.recheckAt : null],
    ] as const;
    for (const [kind, t] of times) {
      if (!t) continue;
      const at = Date.parse(t);
      if (!best || at < best.at) best = { at, stepId: s.id, kind };
    }
  }
  return best;
}
