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
} from '@temporalio/workflow';
import type * as activities from '../../activities/index.js';
import {
  editUpdate,
  watchUpdate,
  type IncidentSnapshot,
  type IncidentWorkflowInput,
  priorityUpdate,
  rateUpdate,
  workaroundUpdate,
  type TimelineEvent,
  assignUpdate,
  commentUpdate,
  openUpdate,
  stateQuery,
  transitionUpdate,
} from './messages.js';
import { isReopen, isTerminal, statusAfterAssignment } from '../kernel/incident-lifecycle.js';
import { priorityFor } from '../kernel/priority.js';
import { measuresOf } from '../kernel/measures.js';
import { nextSlaWake, slaAfterPriority, slaAfterTransition } from './sla.js';
import { TicketRuntime } from '../runtime/ticket-runtime.js';
import { applyEdit, watchersAfter } from './edit.js';
import { newSnapshot } from './new-incident.js';
import { escalation, keepsBreachedClocks, reassignmentsAfter } from './escalation.js';
import {
  reject,
  validateAssign,
  validateComment,
  validateEdit,
  validatePriority,
  validateRate,
  validateTransition,
  validateWatch,
  validateWorkaround,
} from './validate.js';

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
const { requestRating } = proxyActivities<typeof activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 12 },
});

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

  rt.command(
    priorityUpdate,
    (cmd) => validatePriority(rt.state, cmd),
    (cmd) => {
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
    },
  );

  rt.command(
    workaroundUpdate,
    (cmd) => validateWorkaround(rt.state, cmd),
    (cmd) => {
      return commit(cmd.actor, 'workaround', { text: cmd.text.trim() }, (s) => ({
        ...s,
        workaround: cmd.text.trim(),
      }));
    },
  );

  rt.command(
    rateUpdate,
    (cmd) => validateRate(rt.state, cmd),
    (cmd) => {
      return commit(cmd.actor, 'csat', { rating: cmd.rating, comment: cmd.comment }, (s, now) => ({
        ...s,
        csat: { rating: cmd.rating, comment: cmd.comment, at: now, resolvedAt: cmd.resolvedAt },
      }));
    },
  );

  const escalate = escalation(rt);

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

  rt.command(
    transitionUpdate,
    (cmd) => validateTransition(rt.state, cmd),
    (cmd) => {
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
          ...(cmd.to === 'resolved'
            ? { resolutionCode: cmd.resolutionCode, resolutionNotes: cmd.resolutionNotes }
            : {}),
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
    },
  );

  rt.command(
    assignUpdate,
    (cmd) => validateAssign(rt.state, cmd),
    (cmd) => {
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
    },
  );

  rt.command(
    commentUpdate,
    (cmd) => validateComment(rt.state, cmd),
    async (cmd) => {
      const after = await commit(
        cmd.actor,
        cmd.internal ? 'work_note' : 'comment',
        { body: cmd.body.trim() },
        (s) => s,
      );
      // The requester answered what the desk was waiting for: work resumes, and so do the clocks.
      // Guarded: histories from before this rule replay unchanged.
      const answered =
        !cmd.internal &&
        after.status === 'pending' &&
        after.pendingReason === 'customer' &&
        cmd.actor.userId === after.requesterId;
      if (answered && patched('customer-reply-resumes')) return resumeWork(cmd.actor, 'customer_replied');
      return after;
    },
  );

  /** Pending → in progress by a rule rather than a person's transition (e.g. the customer replied). */
  function resumeWork(actor: TimelineEvent['actor'], reason: string): Promise<IncidentSnapshot> {
    return commit(actor, 'status_changed', { from: 'pending', to: 'in_progress', reason, reopen: false }, (s, now) => ({
      ...s,
      status: 'in_progress',
      pendingReason: null,
      sla: s.sla ? slaAfterTransition(s.sla, 'pending', 'in_progress', null, Date.parse(now)) : null,
    }));
  }

  rt.command(
    editUpdate,
    (cmd) => validateEdit(rt.state, cmd),
    (cmd) => {
      const { next, changes, priority } = applyEdit(rt.state, cmd);
      return commit(cmd.actor, 'edited', { changes }, (s, now) => ({
        ...next,
        sla:
          s.sla && priority !== s.priority
            ? slaAfterPriority(s.sla, priority, Date.parse(now), keepsBreachedClocks())
            : (s.sla ?? null),
      }));
    },
  );

  rt.command(
    watchUpdate,
    (cmd) => validateWatch(rt.state, cmd),
    (cmd) => {
      return commit(cmd.actor, 'watchers', { userId: cmd.userId, watching: cmd.watching }, (s) => ({
        ...s,
        watcherIds: watchersAfter(s, cmd),
      }));
    },
  );

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
