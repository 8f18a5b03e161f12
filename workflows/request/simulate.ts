/**
 * A dry run of a flow (the designer's "try it"): the same engine the request workflow runs, driven
 * in-process with simulated time. Those asked are found by the caller (the live directory, with
 * delegates, as the workflow's activity finds them); each step closes as the caller chose for its
 * node — approved by those asked in turn, rejected, left to its deadline, a call-out that answers
 * or fails — and waits and deadlines move the clock to the instant they would fire.
 */
import type { FlowNode } from '../kernel/flow.js';
import type { Answers } from '../kernel/form.js';
import {
  type Effect,
  type FlowRun,
  type Moved,
  type ResolvedApprover,
  type RunContext,
  type RunOutcome,
  approversFound,
  deadlinePassed,
  isOpen,
  startRun,
  taskDone,
  vote,
  waitOver,
  webhookAnswered,
} from './engine.js';

/** How a step of a node closes in the dry run (an approval is approved unless told otherwise). */
export type DryRunDecision = 'approve' | 'reject' | 'deadline' | 'ok' | 'failed';

export interface DryRunInput {
  ctx: RunContext;
  answers: Answers;
  /** When the request is placed (epoch ms). */
  startAt: number;
  decisions: Record<string, DryRunDecision>;
  /** What a webhook node's call-out answers (for conditions that read it). */
  webhookAnswers?: Record<string, unknown>;
  /** Who an approval step asks at `at`: the workflow's own resolution (activities/request/approvers). */
  resolve: (
    node: Extract<FlowNode, { type: 'approval' }>,
    answers: Answers,
    at: number,
  ) => Promise<{ approvers: ResolvedApprover[]; recheckAt: string | null }>;
}

export interface DryRunStep {
  stepId: string;
  nodeId: string;
  kind: 'approval' | 'task' | 'wait' | 'webhook';
  label: string | null;
  status: string;
  reason: string | null;
  openedAt: string;
  closedAt: string | null;
  /** Those asked, a substitute naming whom they act for. */
  asked: ResolvedApprover[];
  /** Who answered, in order. */
  answeredBy: { userId: string; decision: 'approve' | 'reject' }[];
  deadlineAt: string | null;
  escalatedTo: string | null;
  teamId: string | null;
  dueAt: string | null;
}

export interface DryRunResult {
  outcome: RunOutcome | null;
  reason: string | null;
  /** The nodes passed, in order (a node passed twice is listed twice). */
  path: string[];
  /** The edges taken, as `from>to>when`. */
  edges: string[];
  steps: DryRunStep[];
  notifications: { nodeId: string; to: string; template: string; at: string }[];
  endedAt: string;
  /** Why the run stopped without an outcome (a step nobody can close here), if it did. */
  stuck: string | null;
}

const iso = (t: number) => new Date(t).toISOString();
const LIMIT = 500;

export async function dryRun(input: DryRunInput): Promise<DryRunResult> {
  const { ctx } = input;
  let now = input.startAt;
  const result: DryRunResult = {
    outcome: null,
    reason: null,
    path: [],
    edges: [],
    steps: [],
    notifications: [],
    endedAt: iso(now),
    stuck: null,
  };
  const answered = new Map<string, DryRunStep['answeredBy']>();
  /** When each step's deadline is (or was) due, as first set. */
  const deadlines = new Map<string, string>();
  let taken: Record<string, number> = {};
  let run: FlowRun;
  const pending: Effect[] = [];

  const take = (m: Moved) => {
    run = m.run;
    // The edges taken since the last move, in the engine's counts (a loop counts each pass).
    for (const [key, n] of Object.entries(m.run.traversals)) {
      for (let i = taken[key] ?? 0; i < n; i++) {
        result.edges.push(key);
        result.path.push(key.split('>')[1]!);
      }
    }
    taken = { ...m.run.traversals };
    pending.push(...m.effects);
    for (const st of m.run.steps) if (st.deadlineAt && !deadlines.has(st.id)) deadlines.set(st.id, st.deadlineAt);
  };

  const start = ctx.flow.nodes.find((n) => n.type === 'start');
  if (start) result.path.push(start.id);
  take(startRun(input.answers, ctx, now));

  for (let guard = 0; guard < LIMIT; guard++) {
    // What the engine asked for is done first, as the workflow's activities would.
    const e = pending.shift();
    if (e) {
      if (e.kind === 'notify')
        result.notifications.push({ nodeId: e.nodeId, to: e.to, template: e.template, at: iso(now) });
      else if (e.kind === 'resolve') {
        const found = await input.resolve(e.node, run!.answers, now);
        take(approversFound(run!, ctx, e.stepId, found.approvers, found.recheckAt, now));
      } else {
        const ok = (input.decisions[e.node.id] ?? 'ok') !== 'failed';
        take(webhookAnswered(run!, ctx, e.stepId, ok, ok ? (input.webhookAnswers?.[e.node.id] ?? {}) : null, now));
      }
      continue;
    }
    if (run!.outcome) break;
    const open = run!.steps.filter((s) => s.status === 'open');
    const s = open[0];
    if (!s) {
      result.stuck = run!.steps.some(isOpen) ? 'waiting' : 'no_open_step';
      break;
    }
    if (s.kind === 'task') take(taskDone(run!, ctx, s.id, 'dry-run', null, now));
    else if (s.kind === 'wait') {
      now = Math.max(now, s.wakeAt ? Date.parse(s.wakeAt) : now);
      take(waitOver(run!, ctx, s.id, now));
    } else if (s.kind === 'approval') {
      const decision = input.decisions[s.nodeId] ?? 'approve';
      if (decision === 'deadline' && s.deadlineAt && !s.escalatedTo) {
        now = Math.max(now, Date.parse(s.deadlineAt));
        take(deadlinePassed(run!, ctx, s.id, now));
        continue;
      }
      // After an escalation the person it was handed to answers; otherwise those asked, in order.
      const pending = s.approvers.filter((a) => a.state === 'pending');
      const who = pending.find((a) => a.userId === s.escalatedTo) ?? pending[0];
      if (!who) {
        result.stuck = `no_one_to_answer:${s.id}`;
        break;
      }
      const d = decision === 'reject' ? 'reject' : 'approve';
      answered.set(s.id, [...(answered.get(s.id) ?? []), { userId: who.userId, decision: d }]);
      take(vote(run!, ctx, s.id, who.userId, d, null, now));
    } else {
      result.stuck = `waiting_for:${s.id}`;
      break;
    }
  }
  result.outcome = run!.outcome;
  result.reason = run!.outcomeReason;
  result.endedAt = iso(now);
  result.steps = run!.steps.map((s) => ({
    stepId: s.id,
    nodeId: s.nodeId,
    kind: s.kind,
    label: s.label,
    status: s.status,
    reason: s.reason,
    openedAt: s.openedAt,
    closedAt: s.closedAt,
    asked: s.approvers.map((a) => ({ userId: a.userId, onBehalfOf: a.onBehalfOf })),
    answeredBy: answered.get(s.id) ?? [],
    deadlineAt: deadlines.get(s.id) ?? null,
    escalatedTo: s.escalatedTo,
    teamId: s.teamId,
    dueAt: s.dueAt,
  }));
  if (!result.outcome && !result.stuck) result.stuck = 'limit';
  return result;
}
