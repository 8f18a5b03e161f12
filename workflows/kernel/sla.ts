/**
 * SLA clocks: response and resolution targets measured in business time, paused and resumed,
 * retargeted on a priority change, with escalation levels at fractions of the target. Pure: the
 * workflow passes the current time in.
 */
import { type BusinessCalendar, addBusinessTime, businessTimeBetween } from './business-calendar.js';
import type { PendingReason } from './incident-lifecycle.js';
import type { Priority } from './priority.js';

/** Who an escalation can notify. */
export const AUDIENCES = ['assignee', 'team_lead', 'team', 'requester', 'admins'] as const;
export type Audience = (typeof AUDIENCES)[number];

export type EscalationAction =
  { type: 'notify'; to: Audience } | { type: 'reassign_to_team_lead' } | { type: 'raise_priority' };

export interface EscalationLevel {
  /** Share of the target that has passed, e.g. 0.75; 1 is the breach. */
  fraction: number;
  actions: EscalationAction[];
}

export interface SlaTarget {
  responseMinutes: number;
  resolutionMinutes: number;
}

/** The policy version a ticket started under: fixed for its life (edits apply to new tickets). */
export interface SlaPolicySnapshot {
  policyId: string;
  version: number;
  name: string;
  targets: Record<Priority, SlaTarget>;
  calendar: BusinessCalendar;
  /** Pending reasons that stop the clocks (waiting on the customer or a vendor). */
  pauseOn: PendingReason[];
  escalations: EscalationLevel[];
}

export const CLOCK_KINDS = ['response', 'resolution'] as const;
export type ClockKind = (typeof CLOCK_KINDS)[number];

export interface SlaClock {
  targetMs: number;
  /** Business time used before `runningSince`. */
  elapsedMs: number;
  /** When the clock last (re)started, or null while paused or stopped (epoch ms). */
  runningSince: number | null;
  dueAt: number | null;
  metAt: number | null;
  breachedAt: number | null;
  /** Escalation fractions already fired for this clock (each fires once). */
  fired: number[];
}

/** The brief's defaults: P1 1 h / 4 h, P2 4 h / 24 h, P3 8 h / 48 h, P4 24 h / 1 week. */
export const DEFAULT_TARGETS: Record<Priority, SlaTarget> = {
  P1: { responseMinutes: 60, resolutionMinutes: 4 * 60 },
  P2: { responseMinutes: 4 * 60, resolutionMinutes: 24 * 60 },
  P3: { responseMinutes: 8 * 60, resolutionMinutes: 48 * 60 },
  P4: { responseMinutes: 24 * 60, resolutionMinutes: 7 * 24 * 60 },
};

export const DEFAULT_ESCALATIONS: EscalationLevel[] = [
  { fraction: 0.75, actions: [{ type: 'notify', to: 'assignee' }] },
  {
    fraction: 0.9,
    actions: [
      { type: 'notify', to: 'assignee' },
      { type: 'notify', to: 'team_lead' },
    ],
  },
  {
    fraction: 1,
    actions: [
      { type: 'notify', to: 'team_lead' },
      { type: 'notify', to: 'admins' },
    ],
  },
];

/** Minutes of a target for a clock kind. */
export function targetMs(policy: SlaPolicySnapshot, priority: Priority, kind: ClockKind): number {
  const t = policy.targets[priority];
  return (kind === 'response' ? t.responseMinutes : t.resolutionMinutes) * 60_000;
}

/** A running clock started at `now`. */
export function startClock(cal: BusinessCalendar, target: number, now: number): SlaClock {
  return {
    targetMs: target,
    elapsedMs: 0,
    runningSince: now,
    dueAt: addBusinessTime(cal, now, target),
    metAt: null,
    breachedAt: null,
    fired: [],
  };
}

/** Business time used so far. */
export function elapsed(cal: BusinessCalendar, c: SlaClock, now: number): number {
  return (
    c.elapsedMs +
    (c.runningSince === null ? 0 : businessTimeBetween(cal, c.runningSince, Math.max(now, c.runningSince)))
  );
}

export function pause(cal: BusinessCalendar, c: SlaClock, now: number): SlaClock {
  if (c.runningSince === null) return c;
  return { ...c, elapsedMs: elapsed(cal, c, now), runningSince: null, dueAt: null };
}

export function resume(cal: BusinessCalendar, c: SlaClock, now: number): SlaClock {
  if (c.runningSince !== null || c.metAt !== null) return c;
  return { ...c, runningSince: now, dueAt: addBusinessTime(cal, now, Math.max(0, c.targetMs - c.elapsedMs)) };
}

/** Stops a clock because its target was met (response given, incident resolved). */
export function meet(cal: BusinessCalendar, c: SlaClock, now: number): SlaClock {
  if (c.metAt !== null) return c;
  return { ...pause(cal, c, now), metAt: now };
}

/** Restarts a met resolution clock on reopen; the time used before counts. */
export function reopen(cal: BusinessCalendar, c: SlaClock, now: number): SlaClock {
  return resume(cal, { ...c, metAt: null }, now);
}

/** A new target (priority changed): time used stays, the due time moves. */
export function retarget(cal: BusinessCalendar, c: SlaClock, target: number, now: number): SlaClock {
  const used = elapsed(cal, c, now);
  const moved = { ...c, targetMs: target, elapsedMs: used, runningSince: c.runningSince === null ? null : now };
  return moved.runningSince === null
    ? { ...moved, dueAt: null }
    : { ...moved, dueAt: addBusinessTime(cal, now, Math.max(0, target - used)) };
}

/** When a fraction of the target is reached on a running clock (≤ now if already passed). */
export function instantOf(cal: BusinessCalendar, c: SlaClock, fraction: number): number | null {
  if (c.runningSince === null) return null;
  const at = Math.ceil(fraction * c.targetMs) - c.elapsedMs;
  return at <= 0 ? c.runningSince : addBusinessTime(cal, c.runningSince, at);
}

/** The fractions to watch: the policy's levels plus the breach itself. */
export function fractionsOf(policy: SlaPolicySnapshot): number[] {
  return [...new Set([...policy.escalations.map((l) => l.fraction), 1])].sort((a, b) => a - b);
}

/** Fractions of a clock that are due at `now` and not fired yet, in order. */
export function dueFractions(policy: SlaPolicySnapshot, c: SlaClock, now: number): number[] {
  return fractionsOf(policy).filter(
    (f) => !c.fired.includes(f) && (instantOf(policy.calendar, c, f) ?? Infinity) <= now,
  );
}

/** The next instant at which some unfired fraction of a clock becomes due. */
export function nextDue(policy: SlaPolicySnapshot, c: SlaClock): number | null {
  const times = fractionsOf(policy)
    .filter((f) => !c.fired.includes(f))
    .map((f) => instantOf(policy.calendar, c, f))
    .filter((t): t is number => t !== null);
  return times.length ? Math.min(...times) : null;
}

export type SlaState = 'on_track' | 'at_risk' | 'breached' | 'met' | 'paused';

/**
 * How a clock stands: breached once over target; at risk from the first escalation level. `used`
 * is its business time so far when the caller has already measured it.
 */
export function stateOf(
  policy: SlaPolicySnapshot,
  c: SlaClock,
  now: number,
  used = elapsed(policy.calendar, c, now),
): SlaState {
  if (c.breachedAt !== null || used >= c.targetMs) return 'breached';
  if (c.metAt !== null) return 'met';
  if (c.runningSince === null) return 'paused';
  const first = fractionsOf(policy)[0] ?? 1;
  return used >= first * c.targetMs ? 'at_risk' : 'on_track';
}

/** One priority step up (P4 → P3 …), P1 stays P1. */
export function raised(p: Priority): Priority {
  return p === 'P4' ? 'P3' : p === 'P3' ? 'P2' : 'P1';
}
