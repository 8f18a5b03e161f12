/**
 * Incident lifecycle rules, shared by the workflow, the API and the UI.
 * Pure TypeScript: no I/O, no Node built-ins, no clock.
 */

export const INCIDENT_STATUSES = [
  'new',
  'assigned',
  'in_progress',
  'pending',
  'resolved',
  'closed',
  'cancelled',
] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export const RESOLUTION_CODES = [
  'solved',
  'workaround',
  'not_reproducible',
  'duplicate',
  'user_error',
  'known_error',
] as const;
export type ResolutionCode = (typeof RESOLUTION_CODES)[number];

export const PENDING_REASONS = ['customer', 'vendor', 'change', 'other'] as const;
export type PendingReason = (typeof PENDING_REASONS)[number];

/** Statuses that can be requested through a transition (assignment has its own command). */
export const TRANSITION_TARGETS = ['in_progress', 'pending', 'resolved', 'closed', 'cancelled'] as const;
export type TransitionTarget = (typeof TRANSITION_TARGETS)[number];

const ALLOWED: Record<IncidentStatus, readonly TransitionTarget[]> = {
  new: ['cancelled'],
  assigned: ['in_progress', 'cancelled'],
  in_progress: ['pending', 'resolved', 'cancelled'],
  pending: ['in_progress', 'resolved', 'cancelled'],
  // in_progress from resolved is a reopen
  resolved: ['closed', 'in_progress'],
  closed: [],
  cancelled: [],
};

/** Statuses in which the incident is still being worked. */
export const OPEN_STATUSES: readonly IncidentStatus[] = ['new', 'assigned', 'in_progress', 'pending'];

/** True when no further change is possible. */
export function isTerminal(status: IncidentStatus): boolean {
  return status === 'closed' || status === 'cancelled';
}

/** The transition targets reachable from a status. */
export function allowedTransitions(from: IncidentStatus): readonly TransitionTarget[] {
  return ALLOWED[from];
}

/** True when `from → to` is a reopen (resolved back to work). */
export function isReopen(from: IncidentStatus, to: TransitionTarget): boolean {
  return from === 'resolved' && to === 'in_progress';
}

export interface TransitionRequest {
  to: TransitionTarget;
  reason?: string | undefined;
  pendingReason?: PendingReason | undefined;
  resolutionCode?: ResolutionCode | undefined;
  resolutionNotes?: string | undefined;
}

export interface TransitionContext {
  status: IncidentStatus;
  assigneeId: string | null;
}

/** A refusal: a stable code and a human reason; `field` names the offending input. */
export interface Refusal {
  code: 'illegal_transition' | 'missing_field' | 'not_assignable';
  detail: string;
  field?: string;
}

/** Checks a transition request; returns the refusal or null when it may proceed. */
export function checkTransition(ctx: TransitionContext, req: TransitionRequest): Refusal | null {
  if (!ALLOWED[ctx.status].includes(req.to)) {
    return {
      code: 'illegal_transition',
      detail: `An incident in status '${ctx.status}' cannot move to '${req.to}'`,
    };
  }
  if (req.to === 'in_progress' && !ctx.assigneeId) {
    return { code: 'missing_field', detail: 'Work can only start on an assigned incident', field: 'assigneeId' };
  }
  if (req.to === 'pending' && !req.pendingReason) {
    return { code: 'missing_field', detail: 'A pending incident needs a pending reason', field: 'pendingReason' };
  }
  if (req.to === 'resolved') {
    if (!req.resolutionCode) {
      return { code: 'missing_field', detail: 'Resolving needs a resolution code', field: 'resolutionCode' };
    }
    if (!req.resolutionNotes?.trim()) {
      return { code: 'missing_field', detail: 'Resolving needs resolution notes', field: 'resolutionNotes' };
    }
  }
  if ((req.to === 'cancelled' || isReopen(ctx.status, req.to)) && !req.reason?.trim()) {
    return {
      code: 'missing_field',
      detail: req.to === 'cancelled' ? 'Cancelling needs a reason' : 'Reopening needs a reason',
      field: 'reason',
    };
  }
  return null;
}

/** Checks an assignment; returns the refusal or null. */
export function checkAssignment(status: IncidentStatus): Refusal | null {
  if (status === 'resolved' || isTerminal(status)) {
    return { code: 'not_assignable', detail: `An incident in status '${status}' cannot be reassigned` };
  }
  return null;
}

/** Status after an assignment: a new incident becomes assigned, others keep theirs. */
export function statusAfterAssignment(status: IncidentStatus, assigneeId: string | null): IncidentStatus {
  if (status === 'new' && assigneeId) return 'assigned';
  return status;
}

/** Commands besides transitions that an incident may take. */
export const INCIDENT_COMMANDS = ['assign', 'comment', 'edit', 'priority', 'workaround', 'watch'] as const;
export type IncidentCommand = (typeof INCIDENT_COMMANDS)[number];

/**
 * The commands an incident in this status takes; the workflow refuses the others. The web app
 * offers exactly these (with the transitions of `allowedTransitions`).
 */
export function allowedCommands(status: IncidentStatus): IncidentCommand[] {
  if (isTerminal(status)) return [];
  return INCIDENT_COMMANDS.filter((c) => c !== 'assign' || checkAssignment(status) === null);
}
