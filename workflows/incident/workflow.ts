/**
 * An incident's whole life as one durable workflow: it owns the state, refuses illegal changes in
 * update validators, persists every accepted change before answering, and closes a resolved
 * incident after the auto-close period unless it is reopened.
 */
import {
  ApplicationFailure,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type * as activities from '../../activities/index.js';
import {
  type AssignCommand,
  type CommentCommand,
  type EditCommand,
  type WatchCommand,
  editUpdate,
  watchUpdate,
  type Guarded,
  type IncidentSnapshot,
  type IncidentWorkflowInput,
  type NewIncident,
  type PriorityCommand,
  type RateCommand,
  type WorkaroundCommand,
  incidentKey,
  priorityUpdate,
  rateUpdate,
  workaroundUpdate,
  type RejectionType,
  type TimelineEvent,
  type TransitionCommand,
  assignUpdate,
  commentUpdate,
  openUpdate,
  stateQuery,
  transitionUpdate,
} from './messages.js';
import {
  checkAssignment,
  checkTransition,
  isReopen,
  isTerminal,
  statusAfterAssignment,
} from '../kernel/incident-lifecycle.js';
import { type Priority, priorityFor } from '../kernel/priority.js';
import { type Audience, raised } from '../kernel/sla.js';
import { measuresOf } from '../kernel/measures.js';
import {
  type DueEscalation,
  nextSlaWake,
  slaAfterPriority,
  slaAfterTransition,
  startSla,
  takeDueEscalations,
  withTakenLevels,
} from './sla.js';
import { isStorableText, STORABLE_TEXT_MESSAGE } from '../kernel/text.js';
import {
  TicketRuntime,
  checkRevision as checkTicketRevision,
  refuse,
  reject as rejectCommand,
} from '../runtime/ticket-runtime.js';
import { applyEdit, checkEdit, checkWatch, watchersAfter } from './edit.js';

// A regular activity, on purpose: its input (snapshot + event) is fixed in history before it runs,
// so a retry writes exactly what was decided. A local activity would write before the workflow task
// commits; a failed task then leaves rows for revisions that a retry gives to other commands, and
// the (incident, revision) idempotency key would keep the wrong content.
// The assignment decision is needed before the first write, so it retries the same way.
const { persistIncident, persistIncidentSteps, autoAssign } = proxyActivities<typeof activities>({
  startToCloseTimeout: '30 seconds',
  // A projection write must eventually land: keep retrying with a capped backoff.
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

// Notifications retry for a while (an SMTP outage), then give up: the escalation itself is recorded.
const { notifyEscalation, teamLeadOf, requestRating } = proxyActivities<typeof activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 12 },
});

const COMMENT_MAX = 20_000;

/** Refuses a command with one of the incident's rejection codes. */
const reject: (type: RejectionType, message: string, field?: string) => never = rejectCommand;

/** Met and breached clocks keep their due time on a priority change (histories before: retargeted). */
function keepsBreachedClocks(): boolean {
  return patched('sla-keep-settled-clocks');
}

/** A guarded command made against another revision than the incident's is refused. */
function checkRevision(state: IncidentSnapshot, cmd: Guarded): void {
  checkTicketRevision('incident', state, cmd);
}

/** Passing work on from one person to another counts; a first assignment does not. */
function reassignmentsAfter(s: IncidentSnapshot, assigneeId: string | null): number {
  return (s.reassignmentCount ?? 0) + (s.assigneeId !== null && assigneeId !== s.assigneeId ? 1 : 0);
}

function newSnapshot(input: NewIncident): IncidentSnapshot {
  const now = new Date().toISOString();
  const priority = priorityFor(input.impact, input.urgency, input.priorityMatrix);
  return {
    workflowId: workflowInfo().workflowId,
    orgId: input.orgId,
    number: input.number,
    key: incidentKey(input.number),
    title: input.title,
    description: input.description,
    status: input.assigneeId ? 'assigned' : 'new',
    impact: input.impact,
    urgency: input.urgency,
    priority,
    category: input.category,
    assigneeId: input.assigneeId,
    teamId: input.teamId,
    requesterId: input.requesterId,
    pendingReason: null,
    resolutionCode: null,
    resolutionNotes: null,
    reopenCount: 0,
    createdAt: now,
    updatedAt: now,
    resolvedAt: null,
    closedAt: null,
    autoCloseAt: null,
    sla: input.sla ? startSla(input.sla, priority, Date.parse(now)) : null,
    ...(input.priorityMatrix ? { priorityMatrix: input.priorityMatrix } : {}),
    revision: 1,
  };
}

export async function incidentWorkflow(input: IncidentWorkflowInput): Promise<IncidentSnapshot> {
  const autoCloseAfterMs = input.kind === 'new' ? input.incident.autoCloseAfterMs : input.autoCloseAfterMs;
  const rt = new TicketRuntime<IncidentSnapshot, TimelineEvent['type']>({
    state: input.kind === 'new' ? newSnapshot(input.incident) : input.snapshot,
    persistedRevision: input.kind === 'new' ? 0 : input.snapshot.revision,
    stamp: (changed, now, revision) => ({ ...changed, measures: measuresOf(changed), updatedAt: now, revision }),
    persistOne: (step) => persistIncident(step),
    persistSteps: (steps) => persistIncidentSteps({ steps }),
  });
  const { mutex } = rt;
  const commit = rt.commit.bind(rt);
  const stored = rt.stored.bind(rt);

  function validateTransition(cmd: TransitionCommand): void {
    checkRevision(rt.state, cmd);
    refuse(checkTransition(rt.state, cmd));
    for (const field of ['reason', 'resolutionNotes'] as const) {
      const value = cmd[field];
      if (value !== undefined && !isStorableText(value))
        reject('invalid_command', `${field} ${STORABLE_TEXT_MESSAGE}`, field);
    }
  }

  function validateAssign(cmd: AssignCommand): void {
    checkRevision(rt.state, cmd);
    refuse(checkAssignment(rt.state.status));
    if (cmd.assigneeId === rt.state.assigneeId && cmd.teamId === rt.state.teamId) {
      reject('invalid_command', 'The incident already has this assignee and team');
    }
    if (cmd.assigneeId === null && rt.state.status !== 'new') {
      reject('not_assignable', 'An incident in work cannot be left without an assignee', 'assigneeId');
    }
  }

  /** Refuses any command on a closed or cancelled incident. */
  function refuseWhenTerminal(what: 'comments' | 'changes'): void {
    if (isTerminal(rt.state.status))
      reject('illegal_transition', `A ${rt.state.status} incident takes no more ${what}`);
  }

  /** A command's free text: storable, and 1 to COMMENT_MAX characters once trimmed. */
  function checkText(value: string, field: string, what: string): void {
    const text = value.trim();
    if (!isStorableText(text)) reject('invalid_command', `${field} ${STORABLE_TEXT_MESSAGE}`, field);
    if (!text || text.length > COMMENT_MAX)
      reject('missing_field', `${what} needs 1 to ${COMMENT_MAX} characters`, field);
  }

  function validateComment(cmd: CommentCommand): void {
    checkRevision(rt.state, cmd);
    refuseWhenTerminal('comments');
    checkText(cmd.body, 'body', 'A comment');
  }

  function validatePriority(cmd: PriorityCommand): void {
    checkRevision(rt.state, cmd);
    refuseWhenTerminal('changes');
    if (cmd.reason !== undefined && !isStorableText(cmd.reason))
      reject('invalid_command', `reason ${STORABLE_TEXT_MESSAGE}`, 'reason');
    const impact = cmd.impact ?? rt.state.impact;
    const urgency = cmd.urgency ?? rt.state.urgency;
    if (impact === rt.state.impact && urgency === rt.state.urgency) {
      reject('invalid_command', 'Impact and urgency are unchanged');
    }
  }

  rt.command(priorityUpdate, validatePriority, (cmd) => {
    const impact = cmd.impact ?? rt.state.impact;
    const urgency = cmd.urgency ?? rt.state.urgency;
    const priority = priorityFor(impact, urgency, rt.state.priorityMatrix);
    return commit(
      cmd.actor,
      'priority_changed',
      { from: rt.state.priority, to: priority, impact, urgency, reason: cmd.reason ?? null },
      (s, now) => ({
        ...s,
        impact,
        urgency,
        priority,
        sla:
          s.sla && priority !== s.priority
            ? slaAfterPriority(s.sla, priority, Date.parse(now), keepsBreachedClocks())
            : (s.sla ?? null),
      }),
    );
  });

  function validateWorkaround(cmd: WorkaroundCommand): void {
    checkRevision(rt.state, cmd);
    refuseWhenTerminal('changes');
    checkText(cmd.text, 'text', 'A workaround');
  }

  rt.command(workaroundUpdate, validateWorkaround, (cmd) => {
    return commit(cmd.actor, 'workaround', { text: cmd.text.trim() }, (s) => ({
      ...s,
      workaround: cmd.text.trim(),
    }));
  });

  function validateRate(cmd: RateCommand): void {
    if (rt.state.status !== 'resolved' || rt.state.resolvedAt !== cmd.resolvedAt) {
      reject('rating_not_open', 'This resolution can no longer be rated (the incident was reopened or closed)');
    }
    if (rt.state.csat && rt.state.csat.resolvedAt === cmd.resolvedAt)
      reject('rating_not_open', 'This resolution was already rated');
    if (!Number.isInteger(cmd.rating) || cmd.rating < 1 || cmd.rating > 5)
      reject('invalid_command', 'rating must be 1 to 5', 'rating');
    if (cmd.comment !== null && (!isStorableText(cmd.comment) || cmd.comment.length > 2000)) {
      reject('invalid_command', `comment must be at most 2000 characters and ${STORABLE_TEXT_MESSAGE}`, 'comment');
    }
  }

  rt.command(rateUpdate, validateRate, (cmd) => {
    return commit(cmd.actor, 'csat', { rating: cmd.rating, comment: cmd.comment }, (s, now) => ({
      ...s,
      csat: { rating: cmd.rating, comment: cmd.comment, at: now, resolvedAt: cmd.resolvedAt },
    }));
  });

  /** Takes the escalation levels that are due: records them, applies their actions, notifies. */
  async function escalate(): Promise<void> {
    const taken = await mutex.runExclusive(async () => {
      if (!rt.state.sla) return null;
      const { sla, due } = takeDueEscalations(rt.state.sla, Date.now());
      if (!due.length) return null;
      let priority: Priority = rt.state.priority;
      let assigneeId = rt.state.assigneeId;
      for (const d of due) {
        for (const a of d.actions) {
          if (a.type === 'raise_priority') priority = raised(priority);
          if (a.type === 'reassign_to_team_lead' && rt.state.teamId) {
            assigneeId = (await teamLeadOf({ orgId: rt.state.orgId, teamId: rt.state.teamId })) ?? assigneeId;
          }
        }
      }
      const at = new Date().toISOString();
      const after = await commit(
        { userId: null, kind: 'system' },
        'sla_escalated',
        {
          levels: due.map((d) => ({ clock: d.clock, fraction: d.fraction, actions: d.actions })),
          ...(priority !== rt.state.priority ? { priority: { from: rt.state.priority, to: priority } } : {}),
          ...(assigneeId !== rt.state.assigneeId ? { assignee: { from: rt.state.assigneeId, to: assigneeId } } : {}),
        },
        (s, now) => {
          const withLevels = withTakenLevels(sla, due, at);
          return {
            ...s,
            priority,
            assigneeId,
            reassignmentCount: reassignmentsAfter(s, assigneeId),
            status: statusAfterAssignment(s.status, assigneeId),
            sla:
              priority !== s.priority
                ? slaAfterPriority(withLevels, priority, Date.parse(now), keepsBreachedClocks())
                : withLevels,
          };
        },
      );
      return { due, after };
    });
    if (!taken) return;
    await stored(taken.after);
    // Not awaited here: a slow mail server must hold up neither commands nor later escalations.
    for (const d of taken.due) {
      const to = [...new Set(d.actions.flatMap((a) => (a.type === 'notify' ? [a.to] : [])))];
      if (!to.length) continue;
      rt.track(notifyOf(d, to, taken.after));
    }
  }

  async function notifyOf(d: DueEscalation, to: Audience[], s: IncidentSnapshot): Promise<void> {
    try {
      await notifyEscalation({
        eventKey: `${s.workflowId}:sla:${d.clock}:${d.fraction}:${s.sla?.[d.clock].targetMs ?? 0}`,
        orgId: s.orgId,
        incident: {
          workflowId: s.workflowId,
          key: s.key,
          title: s.title,
          priority: s.priority,
          assigneeId: s.assigneeId,
          teamId: s.teamId,
          requesterId: s.requesterId,
        },
        clock: d.clock,
        fraction: d.fraction,
        levelDueAt: d.dueAt,
        dueAt: s.sla?.[d.clock].dueAt ?? null,
        to,
      });
    } catch {
      // Delivery gave up after its retries; the escalation stays recorded on the ticket.
    }
  }

  /** Sends the requester a signed rating link for this resolution (not awaited, like notifications). */
  function askForRating(s: IncidentSnapshot): void {
    if (!s.resolvedAt) return;
    rt.track(
      requestRating({
        orgId: s.orgId,
        workflowId: s.workflowId,
        key: s.key,
        title: s.title,
        requesterId: s.requesterId,
        resolvedAt: s.resolvedAt,
        resolutionNotes: s.resolutionNotes,
      })
        .then(() => undefined)
        .catch(() => undefined), // gave up after its retries; the requester can still rate in the portal
    );
  }

  setHandler(stateQuery, () => rt.state);

  // A create that no worker started before its deadline is abandoned (the API said so): no ticket.
  const abandoned =
    input.kind === 'new' && input.incident.notAfter !== undefined && Date.now() > input.incident.notAfter;
  setHandler(
    openUpdate,
    async () => {
      await condition(() => rt.persistedRevision >= 1);
      return rt.state;
    },
    {
      validator: () => {
        if (abandoned) reject('command_expired', 'The incident reached the ticket engine after its deadline');
      },
    },
  );
  if (abandoned) {
    throw ApplicationFailure.create({
      type: 'create_abandoned',
      message: 'No worker started this incident before the API gave up waiting; it was not created',
      nonRetryable: true,
    });
  }

  rt.command(transitionUpdate, validateTransition, (cmd) => {
    const from = rt.state.status;
    const reopen = isReopen(from, cmd.to);
    return commit(
      cmd.actor,
      'status_changed',
      {
        from,
        to: cmd.to,
        reason: cmd.reason ?? null,
        reopen,
        // only what the transition applies
        ...(cmd.to === 'pending' ? { pendingReason: cmd.pendingReason } : {}),
        ...(cmd.to === 'resolved' ? { resolutionCode: cmd.resolutionCode, resolutionNotes: cmd.resolutionNotes } : {}),
      },
      (s, now) => ({
        ...s,
        status: cmd.to,
        pendingReason: cmd.to === 'pending' ? (cmd.pendingReason ?? null) : null,
        resolutionCode: cmd.to === 'resolved' ? (cmd.resolutionCode ?? null) : reopen ? null : s.resolutionCode,
        resolutionNotes: cmd.to === 'resolved' ? (cmd.resolutionNotes ?? null) : reopen ? null : s.resolutionNotes,
        resolvedAt: cmd.to === 'resolved' ? now : reopen ? null : s.resolvedAt,
        closedAt: cmd.to === 'closed' ? now : s.closedAt,
        autoCloseAt: cmd.to === 'resolved' ? new Date(Date.parse(now) + autoCloseAfterMs).toISOString() : null,
        reopenCount: s.reopenCount + (reopen ? 1 : 0),
        sla: s.sla ? slaAfterTransition(s.sla, from, cmd.to, cmd.pendingReason ?? null, Date.parse(now)) : null,
        acknowledgedAt: s.acknowledgedAt ?? (cmd.to === 'in_progress' || cmd.to === 'resolved' ? now : null),
        csat: reopen ? null : (s.csat ?? null),
      }),
    ).then((after) => {
      // Guarded: histories from before rating requests replay unchanged.
      if (cmd.to === 'resolved' && patched('csat-request')) askForRating(after);
      return after;
    });
  });

  rt.command(assignUpdate, validateAssign, (cmd) => {
    return commit(
      cmd.actor,
      'assigned',
      {
        fromAssigneeId: rt.state.assigneeId,
        toAssigneeId: cmd.assigneeId,
        fromTeamId: rt.state.teamId,
        toTeamId: cmd.teamId,
      },
      (s) => ({
        ...s,
        assigneeId: cmd.assigneeId,
        teamId: cmd.teamId,
        status: statusAfterAssignment(s.status, cmd.assigneeId),
        reassignmentCount: reassignmentsAfter(s, cmd.assigneeId),
      }),
    );
  });

  rt.command(commentUpdate, validateComment, async (cmd) => {
    const after = await commit(cmd.actor, cmd.internal ? 'work_note' : 'comment', { body: cmd.body.trim() }, (s) => s);
    // The requester answered what the desk was waiting for: work resumes, and so do the clocks.
    // Guarded: histories from before this rule replay unchanged.
    const answered =
      !cmd.internal &&
      after.status === 'pending' &&
      after.pendingReason === 'customer' &&
      cmd.actor.userId === after.requesterId;
    if (answered && patched('customer-reply-resumes')) return resumeWork(cmd.actor, 'customer_replied');
    return after;
  });

  /** Pending → in progress by a rule rather than a person's transition (e.g. the customer replied). */
  function resumeWork(actor: TimelineEvent['actor'], reason: string): Promise<IncidentSnapshot> {
    return commit(actor, 'status_changed', { from: 'pending', to: 'in_progress', reason, reopen: false }, (s, now) => ({
      ...s,
      status: 'in_progress',
      pendingReason: null,
      sla: s.sla ? slaAfterTransition(s.sla, 'pending', 'in_progress', null, Date.parse(now)) : null,
    }));
  }

  function validateEdit(cmd: EditCommand): void {
    checkRevision(rt.state, cmd);
    refuse(checkEdit(rt.state, cmd));
  }

  rt.command(editUpdate, validateEdit, (cmd) => {
    const { next, changes, priority } = applyEdit(rt.state, cmd);
    return commit(cmd.actor, 'edited', { changes }, (s, now) => ({
      ...next,
      sla:
        s.sla && priority !== s.priority
          ? slaAfterPriority(s.sla, priority, Date.parse(now), keepsBreachedClocks())
          : (s.sla ?? null),
    }));
  });

  function validateWatch(cmd: WatchCommand): void {
    checkRevision(rt.state, cmd);
    refuse(checkWatch(rt.state, cmd));
  }

  rt.command(watchUpdate, validateWatch, (cmd) => {
    return commit(cmd.actor, 'watchers', { userId: cmd.userId, watching: cmd.watching }, (s) => ({
      ...s,
      watcherIds: watchersAfter(s, cmd),
    }));
  });

  if (rt.persistedRevision === 0) {
    await mutex.runExclusive(async () => {
      // Automatic assignment (team routing + strategy) before the first write, so the creator
      // already sees the assignee. Guarded: histories from before this step replay unchanged.
      let autoAssigned: string | null = null;
      if (
        patched('auto-assign') &&
        input.kind === 'new' &&
        !rt.state.assigneeId &&
        (rt.state.teamId || rt.state.category)
      ) {
        const d = await autoAssign({
          orgId: rt.state.orgId,
          workflowId: rt.state.workflowId,
          teamId: rt.state.teamId,
          category: rt.state.category,
        });
        if (d.assigneeId) autoAssigned = d.strategy;
        rt.state = {
          ...rt.state,
          teamId: d.teamId ?? rt.state.teamId,
          assigneeId: d.assigneeId,
          status: d.assigneeId ? 'assigned' : rt.state.status,
        };
      }
      await rt.firstWrite({
        revision: 1,
        type: 'created',
        actor: input.kind === 'new' ? input.incident.createdBy : { userId: null, kind: 'system' },
        at: rt.state.createdAt,
        data: {
          title: rt.state.title,
          priority: rt.state.priority,
          status: rt.state.status,
          ...(autoAssigned ? { autoAssigned, assigneeId: rt.state.assigneeId, teamId: rt.state.teamId } : {}),
        },
      });
    });
  }

  /** Closes a resolved incident whose auto-close time has come (unless it was reopened meanwhile). */
  async function autoClose(): Promise<void> {
    await mutex.runExclusive(async () => {
      if (rt.state.status !== 'resolved' || !rt.state.autoCloseAt || Date.parse(rt.state.autoCloseAt) > Date.now())
        return;
      await commit(
        { userId: null, kind: 'system' },
        'status_changed',
        { from: 'resolved', to: 'closed', reason: 'auto_close' },
        (s, now) => ({
          ...s,
          status: 'closed',
          closedAt: now,
          autoCloseAt: null,
          sla: s.sla ? slaAfterTransition(s.sla, 'resolved', 'closed', null, Date.parse(now)) : (s.sla ?? null),
        }),
      );
    });
  }

  await rt.live({
    done: () => isTerminal(rt.state.status),
    // SLA levels first, then the auto-close (the same order as before the runtime took the loop).
    wakes: () => {
      const slaWake = nextSlaWake(rt.state.sla ?? null);
      const autoCloseAt =
        rt.state.status === 'resolved' && rt.state.autoCloseAt ? Date.parse(rt.state.autoCloseAt) : null;
      return [
        ...(slaWake !== null ? [{ at: slaWake, name: 'sla-escalation', run: escalate }] : []),
        ...(autoCloseAt !== null ? [{ at: autoCloseAt, name: 'auto-close', run: autoClose }] : []),
      ];
    },
    continueAsNew: () =>
      continueAsNew<typeof incidentWorkflow>({ kind: 'continued', snapshot: rt.state, autoCloseAfterMs }),
  });
  return rt.state;
}
