/**
 * A service request's whole life as one durable workflow, on the ticket runtime: it runs the
 * snapshot of the flow version it was submitted with (engine.ts decides, this carries it out),
 * asks approvers through activities, takes votes as updates whose validators refuse a vote that
 * does not count before anything is recorded, keeps deadlines on business calendars, waits, calls
 * webhooks, and stays open for a rating once the request is completed.
 */
import {
  ApplicationFailure,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type * as activities from '../../activities/index.js';
import { startSla, slaAfterPhase, type SlaPhase } from '../runtime/sla-clocks.js';
import { type Actor, TicketRuntime, reject, refuse, type Wake } from '../runtime/ticket-runtime.js';
import {
  type Effect,
  type Moved,
  approversFound,
  cancelRun,
  deadlinePassed,
  nextStepWake,
  startRun,
  substitutesFound,
  taskDone,
  taskRefusal,
  vote,
  voteRefusal,
  waitOver,
  webhookAnswered,
} from './engine.js';
import {
  type RequestEventType,
  type RequestSnapshot,
  type RequestStatus,
  type RequestWorkflowInput,
  TERMINAL_REQUEST_STATUSES,
  cancelRequestUpdate,
  openRequestUpdate,
  rateRequestUpdate,
  requestCommentUpdate,
  requestKey,
  requestStateQuery,
  statusOf,
  taskUpdate,
  voteUpdate,
} from './messages.js';

const { persistRequestSteps, resolveApprovers, checkSubstitutes } = proxyActivities<typeof activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

// Messages retry for a while (an SMTP outage), then give up: the step itself is recorded.
const { notifyRequest, mailApprovers } = proxyActivities<typeof activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 12 },
});

// A webhook call-out is retried through an outage of its receiver for about an hour, then its
// `failed` edge is taken. Each attempt carries the same Idempotency-Key, so the receiver takes it once.
const { callWebhook } = proxyActivities<typeof activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes', maximumAttempts: 10 },
});

const SYSTEM: Actor = { userId: null, kind: 'system' };

/** What a status means for the request's SLA clocks (the kernel's phases). */
const PHASE: Record<RequestStatus, SlaPhase> = {
  submitted: 'running',
  pending_approval: 'running',
  approved: 'running',
  in_progress: 'responded',
  completed: 'done',
  rejected: 'stopped',
  cancelled: 'stopped',
};

const isTerminal = (s: RequestStatus) => TERMINAL_REQUEST_STATUSES.includes(s);

function newRequest(input: Extract<RequestWorkflowInput, { kind: 'new' }>['request'], workflowId: string) {
  const now = Date.now();
  const at = new Date(now).toISOString();
  const started = startRun(input.answers, input.context, now);
  const snapshot: RequestSnapshot = {
    workflowId,
    orgId: input.orgId,
    number: input.number,
    key: requestKey(input.number),
    itemId: input.itemId,
    title: input.title,
    requesterId: input.requesterId,
    createdBy: input.createdBy.userId,
    answers: input.answers,
    flowId: input.flowId,
    flowVersion: input.flowVersion,
    context: input.context,
    run: started.run,
    status: 'submitted',
    sla: input.slaPolicy ? startSla(input.slaPolicy, 'P3', now) : null,
    csat: null,
    createdAt: at,
    updatedAt: at,
    closedAt: null,
    ratingUntil: null,
    ...(input.ciIds?.length ? { ciIds: input.ciIds } : {}),
    revision: 1,
  };
  return { snapshot: stampStatus(snapshot, snapshot, at, input.ratingWindowMs), started };
}

/** The status the run gives, with the clocks and times that follow from a change of it. */
function stampStatus(
  before: RequestSnapshot,
  s: RequestSnapshot,
  now: string,
  ratingWindowMs: number,
): RequestSnapshot {
  const status = statusOf(s.run);
  if (status === before.status && status === s.status) return s;
  const t = Date.parse(now);
  return {
    ...s,
    status,
    sla:
      s.sla && PHASE[before.status] !== PHASE[status]
        ? slaAfterPhase(s.sla, PHASE[before.status], PHASE[status], null, t)
        : s.sla,
    closedAt: isTerminal(status) ? (s.closedAt ?? now) : null,
    ratingUntil: status === 'completed' ? new Date(t + ratingWindowMs).toISOString() : s.ratingUntil,
  };
}

export async function requestWorkflow(input: RequestWorkflowInput): Promise<RequestSnapshot> {
  const ratingWindowMs = input.kind === 'new' ? input.request.ratingWindowMs : input.ratingWindowMs;
  const first = input.kind === 'new' ? newRequest(input.request, workflowInfo().workflowId) : null;
  const rt: TicketRuntime<RequestSnapshot, RequestEventType> = new TicketRuntime<RequestSnapshot, RequestEventType>({
    state: first ? first.snapshot : (input as Extract<RequestWorkflowInput, { kind: 'continued' }>).snapshot,
    persistedRevision: first ? 0 : (input as Extract<RequestWorkflowInput, { kind: 'continued' }>).snapshot.revision,
    stamp: (changed, now, revision): RequestSnapshot => ({
      ...stampStatus(rt.state, changed, now, ratingWindowMs),
      updatedAt: now,
      revision,
    }),
    persistOne: (step) => persistRequestSteps({ steps: [step] }),
    persistSteps: (steps) => persistRequestSteps({ steps }),
  });

  /** Commits what the engine moved, then carries out its effects (not awaited). */
  async function commitMoved(
    actor: Actor,
    type: RequestEventType,
    data: Record<string, unknown>,
    moved: Moved,
  ): Promise<RequestSnapshot> {
    const after = await rt.commit(actor, type, { ...data, flow: moved.happened }, (s) => ({ ...s, run: moved.run }));
    carryOut(moved.effects);
    mailNewlyAsked(moved);
    return after;
  }

  /** E-mails each newly asked approver (a signed link to answer); substitutes learn whom they act for. */
  function mailNewlyAsked(moved: Moved): void {
    const s = rt.state;
    for (const h of moved.happened) {
      if (h.what !== 'asked' && h.what !== 'substitute') continue;
      const userIds = h.what === 'asked' ? h.userIds : [h.userId];
      const step = s.run.steps.find((x) => x.id === h.stepId);
      const pending = userIds.filter((u) => step?.approvers.some((a) => a.userId === u && a.state === 'pending'));
      if (!pending.length) continue;
      rt.track(
        mailApprovers({
          orgId: s.orgId,
          workflowId: s.workflowId,
          key: s.key,
          title: s.title,
          stepId: h.stepId,
          userIds: pending,
          onBehalfOf: h.what === 'substitute' ? h.onBehalfOf : null,
          at: Date.now(),
        })
          .then(() => undefined)
          .catch(() => undefined),
      );
    }
  }

  function carryOut(effects: Effect[]): void {
    for (const e of effects) {
      const s = rt.state;
      if (e.kind === 'notify') {
        rt.track(
          notifyRequest({
            orgId: s.orgId,
            workflowId: s.workflowId,
            key: s.key,
            title: s.title,
            nodeId: e.nodeId,
            to: e.to,
            template: e.template,
            requesterId: s.requesterId,
            teamIds: s.run.steps.filter((x) => x.teamId).map((x) => x.teamId!),
            approverIds: s.run.steps.flatMap((x) => x.approvers.map((a) => a.userId)),
          })
            .then(() => undefined)
            .catch(() => undefined),
        );
      } else if (e.kind === 'resolve') {
        rt.track(
          resolveApprovers({
            orgId: s.orgId,
            requesterId: s.requesterId,
            answers: s.run.answers,
            sources: e.node.approvers,
            allowDelegation: e.node.allowDelegation ?? false,
            at: Date.now(),
          }).then((found) =>
            rt.mutex
              .runExclusive(() =>
                commitMoved(
                  SYSTEM,
                  'approvers_asked',
                  { stepId: e.stepId },
                  approversFound(
                    rt.state.run,
                    rt.state.context,
                    e.stepId,
                    found.approvers,
                    found.recheckAt,
                    Date.now(),
                  ),
                ),
              )
              .then(() => undefined),
          ),
        );
      } else {
        rt.track(
          callWebhook({
            orgId: s.orgId,
            workflowId: s.workflowId,
            stepId: e.stepId,
            url: e.node.url,
            secretRef: e.node.secretRef,
            payload: {
              request: s.key,
              item: s.itemId,
              requesterId: s.requesterId,
              answers: s.run.answers,
              step: e.stepId,
            },
          })
            .then(
              (r) => ({ ok: true, answer: r.answer as unknown, status: r.status }),
              () => ({ ok: false, answer: null as unknown, status: null }),
            )
            .then((r) =>
              rt.mutex
                .runExclusive(() =>
                  commitMoved(
                    SYSTEM,
                    'webhook',
                    { stepId: e.stepId, ok: r.ok, status: r.status },
                    webhookAnswered(rt.state.run, rt.state.context, e.stepId, r.ok, r.answer, Date.now()),
                  ),
                )
                .then(() => undefined),
            ),
        );
      }
    }
  }

  const notOver = (what: string) => {
    if (isTerminal(rt.state.status)) reject('illegal_transition', `A ${rt.state.status} request takes no ${what}`);
  };

  rt.command(
    voteUpdate,
    (cmd) => refuse(voteRefusal(rt.state.run, cmd.stepId, cmd.actor.userId ?? '')),
    (cmd) => {
      const moved = vote(
        rt.state.run,
        rt.state.context,
        cmd.stepId,
        cmd.actor.userId!,
        cmd.decision,
        cmd.comment,
        Date.now(),
      );
      return commitMoved(
        cmd.actor,
        'vote',
        {
          stepId: cmd.stepId,
          decision: cmd.decision,
          comment: cmd.comment,
          onBehalfOf: moved.onBehalfOf,
          channel: cmd.channel,
          tally: moved.tally.text,
        },
        moved,
      );
    },
  );

  rt.command(
    taskUpdate,
    (cmd) => refuse(taskRefusal(rt.state.run, cmd.stepId)),
    (cmd) =>
      commitMoved(
        cmd.actor,
        'task_done',
        { stepId: cmd.stepId, note: cmd.note },
        taskDone(rt.state.run, rt.state.context, cmd.stepId, cmd.actor.userId ?? 'system', cmd.note, Date.now()),
      ),
  );

  rt.command(
    cancelRequestUpdate,
    () => notOver('cancellation'),
    (cmd) =>
      commitMoved(
        cmd.actor,
        'cancelled',
        { reason: cmd.reason },
        cancelRun(rt.state.run, rt.state.context, Date.now()),
      ),
  );

  rt.command(
    requestCommentUpdate,
    (cmd) => {
      if (!cmd.body.trim()) reject('missing_field', 'A comment needs some text', 'body');
    },
    (cmd) => rt.commit(cmd.actor, cmd.internal ? 'work_note' : 'comment', { body: cmd.body.trim() }, (s) => s),
  );

  rt.command(
    rateRequestUpdate,
    (cmd) => {
      const s = rt.state;
      if (s.status !== 'completed') reject('rating_not_open', 'Only a completed request can be rated');
      if (s.csat) reject('rating_not_open', 'This request has been rated');
      if (s.ratingUntil && Date.now() > Date.parse(s.ratingUntil))
        reject('rating_not_open', 'The time to rate this request has passed');
      if (cmd.actor.userId !== s.requesterId) reject('rating_not_open', 'Only the requester rates a request');
      if (!Number.isInteger(cmd.rating) || cmd.rating < 1 || cmd.rating > 5)
        reject('invalid_command', 'A rating is a whole number from 1 to 5', 'rating');
    },
    (cmd) =>
      rt.commit(cmd.actor, 'csat', { rating: cmd.rating, comment: cmd.comment }, (s, now) => ({
        ...s,
        csat: { rating: cmd.rating, comment: cmd.comment, at: now },
      })),
  );

  setHandler(requestStateQuery, () => rt.state);

  const abandoned = input.kind === 'new' && input.request.notAfter !== undefined && Date.now() > input.request.notAfter;
  setHandler(
    openRequestUpdate,
    async () => {
      await condition(() => rt.persistedRevision >= 1);
      return rt.state;
    },
    {
      validator: () => {
        if (abandoned) reject('command_expired', 'The request reached the ticket engine after its deadline');
      },
    },
  );
  if (abandoned) {
    throw ApplicationFailure.create({
      type: 'create_abandoned',
      message: 'No worker started this request before the API gave up waiting; it was not created',
      nonRetryable: true,
    });
  }

  if (first) {
    await rt.mutex.runExclusive(async () => {
      await rt.firstWrite({
        revision: 1,
        type: 'submitted',
        actor: input.kind === 'new' ? input.request.createdBy : SYSTEM,
        at: rt.state.createdAt,
        data: {
          title: rt.state.title,
          status: rt.state.status,
          flowVersion: rt.state.flowVersion,
          flow: first.started.happened,
        },
      });
      carryOut(first.started.effects);
    });
  }

  /** A step's time has come: its deadline, its wait, or a look at who is away. */
  async function stepWake(stepId: string, kind: 'deadline' | 'wait' | 'recheck'): Promise<void> {
    await rt.mutex.runExclusive(async () => {
      const s = rt.state;
      const now = Date.now();
      if (kind === 'wait') {
        await commitMoved(SYSTEM, 'wait_over', { stepId }, waitOver(s.run, s.context, stepId, now));
      } else if (kind === 'deadline') {
        const moved = deadlinePassed(s.run, s.context, stepId, now);
        await commitMoved(SYSTEM, 'deadline', { stepId, escalatedTo: moved.escalatedTo }, moved);
      } else {
        const step = s.run.steps.find((x) => x.id === stepId);
        const pending = step?.approvers.filter((a) => a.state === 'pending').map((a) => a.userId) ?? [];
        const found = await checkSubstitutes({ orgId: s.orgId, requesterId: s.requesterId, userIds: pending, at: now });
        const moved = substitutesFound(
          rt.state.run,
          rt.state.context,
          stepId,
          found.substitutes,
          found.recheckAt,
          Date.now(),
        );
        // Nobody new is asked: only the next look is kept (no revision, nothing on the timeline).
        if (moved.happened.length) await commitMoved(SYSTEM, 'substitute', { stepId }, moved);
        else rt.state = { ...rt.state, run: moved.run };
      }
    });
  }

  const ratingOpen = () =>
    rt.state.status === 'completed' &&
    !rt.state.csat &&
    !!rt.state.ratingUntil &&
    Date.now() < Date.parse(rt.state.ratingUntil);

  await rt.live({
    done: () => isTerminal(rt.state.status) && !ratingOpen(),
    wakes: (): Wake[] => {
      const next = nextStepWake(rt.state.run);
      const wakes: Wake[] = next
        ? [{ at: next.at, name: `step-${next.kind}`, run: () => stepWake(next.stepId, next.kind) }]
        : [];
      if (ratingOpen())
        wakes.push({ at: Date.parse(rt.state.ratingUntil!), name: 'rating-window', run: async () => {} });
      return wakes;
    },
    continueAsNew: () =>
      continueAsNew<typeof requestWorkflow>({ kind: 'continued', snapshot: rt.state, ratingWindowMs }),
  });
  return rt.state;
}
