/**
 * The incident's SLA escalation: the levels due now are recorded in one system commit, their
 * actions applied (priority raised, handed to the team lead) and their audiences notified without
 * holding up commands (the notifications are tracked, so the runtime drains them).
 */
import { patched, proxyActivities } from '@temporalio/workflow';
import type * as activities from '../../activities/index.js';
import { statusAfterAssignment } from '../kernel/incident-lifecycle.js';
import type { Priority } from '../kernel/priority.js';
import { type Audience, raised } from '../kernel/sla.js';
import type { TicketRuntime } from '../runtime/ticket-runtime.js';
import type { IncidentSnapshot, TimelineEvent } from './messages.js';
import { type DueEscalation, slaAfterPriority, takeDueEscalations, withTakenLevels } from './sla.js';

// Notifications retry for a while (an SMTP outage), then give up: the escalation itself is recorded.
const { notifyEscalation, teamLeadOf } = proxyActivities<typeof activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 12 },
});

/** Met and breached clocks keep their due time on a priority change (histories before: retargeted). */
export function keepsBreachedClocks(): boolean {
  return patched('sla-keep-settled-clocks');
}

/** Passing work on from one person to another counts; a first assignment does not. */
export function reassignmentsAfter(s: IncidentSnapshot, assigneeId: string | null): number {
  return (s.reassignmentCount ?? 0) + (s.assigneeId !== null && assigneeId !== s.assigneeId ? 1 : 0);
}

/** The wake that takes the due escalation levels of this incident's runtime. */
export function escalation(rt: TicketRuntime<IncidentSnapshot, TimelineEvent['type']>): () => Promise<void> {
  /** Takes the escalation levels that are due: records them, applies their actions, notifies. */
  async function escalate(): Promise<void> {
    const taken = await rt.mutex.runExclusive(async () => {
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
      const after = await rt.commit(
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
    await rt.stored(taken.after);
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

  return escalate;
}
