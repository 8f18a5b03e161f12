/**
 * How an incident's statuses drive its SLA clocks (workflows/runtime/sla-clocks.ts runs them):
 * new and assigned run both; in progress has responded; pending waits (paused when the policy
 * pauses for its reason); resolved is done; closed and cancelled stop both.
 */
import type { IncidentStatus, PendingReason } from '../kernel/incident-lifecycle.js';
import { type SlaPhase, type TicketSla, slaAfterPhase } from '../runtime/sla-clocks.js';

export {
  type DueEscalation,
  nextSlaWake,
  slaAfterPriority,
  startSla,
  takeDueEscalations,
  withTakenLevels,
} from '../runtime/sla-clocks.js';

export const INCIDENT_SLA_PHASES: Record<IncidentStatus, SlaPhase> = {
  new: 'running',
  assigned: 'running',
  in_progress: 'responded',
  pending: 'waiting',
  resolved: 'done',
  closed: 'stopped',
  cancelled: 'stopped',
};

/** The clocks after a status change. */
export function slaAfterTransition(
  sla: TicketSla,
  from: IncidentStatus,
  to: IncidentStatus,
  pendingReason: PendingReason | null,
  now: number,
): TicketSla {
  return slaAfterPhase(sla, INCIDENT_SLA_PHASES[from], INCIDENT_SLA_PHASES[to], pendingReason, now);
}
