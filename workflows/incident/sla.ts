/**
 * How an incident's SLA clocks follow its life: started at creation, paused while waiting on the
 * customer or a vendor, met on acknowledgement (in progress) and resolution, resumed on reopen,
 * retargeted on a priority change, escalated at the policy's fractions. Pure; the workflow passes
 * the time in.
 */
import type { IncidentSla } from './messages.js';
import type { IncidentStatus, PendingReason } from '../kernel/incident-lifecycle.js';
import type { Priority } from '../kernel/priority.js';
import {
  type ClockKind,
  type EscalationAction,
  type SlaPolicySnapshot,
  CLOCK_KINDS,
  dueFractions,
  elapsed,
  instantOf,
  meet,
  nextDue,
  pause,
  reopen,
  resume,
  retarget,
  startClock,
  targetMs,
} from '../kernel/sla.js';

/** Clocks for a new incident under a policy. */
export function startSla(policy: SlaPolicySnapshot, priority: Priority, now: number): IncidentSla {
  return {
    policy,
    response: startClock(policy.calendar, targetMs(policy, priority, 'response'), now),
    resolution: startClock(policy.calendar, targetMs(policy, priority, 'resolution'), now),
    escalations: [],
  };
}

function each(sla: IncidentSla, f: (kind: ClockKind) => IncidentSla['response']): IncidentSla {
  return { ...sla, response: f('response'), resolution: f('resolution') };
}

/** The clocks after a status change. */
export function slaAfterTransition(
  sla: IncidentSla,
  from: IncidentStatus,
  to: IncidentStatus,
  pendingReason: PendingReason | null,
  now: number,
): IncidentSla {
  const cal = sla.policy.calendar;
  let next = sla;
  if (from === 'pending') next = each(next, (k) => resume(cal, next[k], now));
  if (from === 'resolved' && to === 'in_progress') next = { ...next, resolution: reopen(cal, next.resolution, now) };
  if (to === 'in_progress' || to === 'resolved') next = { ...next, response: meet(cal, next.response, now) };
  if (to === 'resolved') next = { ...next, resolution: meet(cal, next.resolution, now) };
  if (to === 'pending' && pendingReason && sla.policy.pauseOn.includes(pendingReason)) {
    next = each(next, (k) => pause(cal, next[k], now));
  }
  if (to === 'closed' || to === 'cancelled') next = each(next, (k) => pause(cal, next[k], now));
  return next;
}

/**
 * The clocks after a priority change: new targets for clocks still running, time used kept. A clock
 * that was met or has breached keeps its target and due time: its outcome is history (a raise at
 * the breach must not turn "1m 27s over" into "0m 27s over"). `keepBreached` is false only when
 * replaying histories from before that rule, which retargeted breached clocks too.
 */
export function slaAfterPriority(sla: IncidentSla, priority: Priority, now: number, keepBreached = true): IncidentSla {
  const cal = sla.policy.calendar;
  const settled = (k: ClockKind) =>
    sla[k].metAt !== null ||
    (keepBreached && (sla[k].breachedAt !== null || elapsed(cal, sla[k], now) >= sla[k].targetMs));
  return each(sla, (k) => (settled(k) ? sla[k] : retarget(cal, sla[k], targetMs(sla.policy, priority, k), now)));
}

/** The next instant an escalation level or a breach falls due, if any clock is running. */
export function nextSlaWake(sla: IncidentSla | null): number | null {
  if (!sla) return null;
  const times = CLOCK_KINDS.map((k) => nextDue(sla.policy, sla[k])).filter((t): t is number => t !== null);
  return times.length ? Math.min(...times) : null;
}

export interface DueEscalation {
  clock: ClockKind;
  fraction: number;
  /** When the level fell due (it fires at that moment, or when a worker is back). */
  dueAt: number;
  actions: EscalationAction[];
}

/** Levels due at `now`, marked as fired (so each fires once), with the breach recorded. */
export function takeDueEscalations(sla: IncidentSla, now: number): { sla: IncidentSla; due: DueEscalation[] } {
  const due: DueEscalation[] = [];
  let next = sla;
  for (const clock of CLOCK_KINDS) {
    const fractions = dueFractions(sla.policy, sla[clock], now);
    if (!fractions.length) continue;
    for (const fraction of fractions) {
      const level = sla.policy.escalations.find((l) => l.fraction === fraction);
      const dueAt = instantOf(sla.policy.calendar, sla[clock], fraction) ?? now;
      due.push({ clock, fraction, dueAt, actions: level?.actions ?? [] });
    }
    const c = next[clock];
    next = {
      ...next,
      [clock]: {
        ...c,
        fired: [...c.fired, ...fractions],
        breachedAt: c.breachedAt ?? (fractions.some((f) => f >= 1) ? now : null),
      },
    };
  }
  return { sla: next, due };
}
