/**
 * SLA clocks as any ticket type runs them: a response and a resolution clock under a policy
 * version, started at creation, paused while waiting on someone the policy pauses for, met when
 * the desk responds and when the work is done, resumed on reopen, retargeted on a priority change,
 * escalated at the policy's fractions. A ticket type maps each of its statuses onto a phase
 * (SlaPhase) and passes the time in; everything here is pure.
 */
import type { Priority } from '../kernel/priority.js';
import {
  type ClockKind,
  type EscalationAction,
  type SlaClock,
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

/**
 * What a status means for the clocks: both run (`running`); the desk has responded and the
 * resolution clock runs (`responded`); waiting on someone, paused when the policy pauses for them
 * (`waiting`); the work is done, both met (`done`); the ticket is over, both stopped (`stopped`).
 */
export type SlaPhase = 'running' | 'responded' | 'waiting' | 'done' | 'stopped';

/** An escalation the workflow took: which clock, at which fraction, what it did. */
export interface EscalationTaken {
  clock: ClockKind;
  fraction: number;
  /** When the level fell due, and when the workflow took it (later only if no worker ran). */
  dueAt?: string;
  at: string;
  actions: EscalationAction[];
}

/** A ticket's SLA: the policy version it started under and its two clocks. */
export interface TicketSla {
  policy: SlaPolicySnapshot;
  response: SlaClock;
  resolution: SlaClock;
  escalations: EscalationTaken[];
}

/** Clocks for a new ticket under a policy. */
export function startSla(policy: SlaPolicySnapshot, priority: Priority, now: number): TicketSla {
  return {
    policy,
    response: startClock(policy.calendar, targetMs(policy, priority, 'response'), now),
    resolution: startClock(policy.calendar, targetMs(policy, priority, 'resolution'), now),
    escalations: [],
  };
}

function each(sla: TicketSla, f: (kind: ClockKind) => SlaClock): TicketSla {
  return { ...sla, response: f('response'), resolution: f('resolution') };
}

/** The clocks after a move from one phase to another; `waitingOn` is whom a `waiting` ticket waits for. */
export function slaAfterPhase(
  sla: TicketSla,
  from: SlaPhase,
  to: SlaPhase,
  waitingOn: string | null,
  now: number,
): TicketSla {
  const cal = sla.policy.calendar;
  let next = sla;
  if (from === 'waiting') next = each(next, (k) => resume(cal, next[k], now));
  if (from === 'done' && (to === 'responded' || to === 'running'))
    next = { ...next, resolution: reopen(cal, next.resolution, now) };
  if (to === 'responded' || to === 'done') next = { ...next, response: meet(cal, next.response, now) };
  if (to === 'done') next = { ...next, resolution: meet(cal, next.resolution, now) };
  if (to === 'waiting' && waitingOn && (sla.policy.pauseOn as readonly string[]).includes(waitingOn)) {
    next = each(next, (k) => pause(cal, next[k], now));
  }
  if (to === 'stopped') next = each(next, (k) => pause(cal, next[k], now));
  return next;
}

/**
 * The clocks after a priority change: new targets for clocks still running, time used kept. A clock
 * that was met or has breached keeps its target and due time: its outcome is history (a raise at
 * the breach must not turn "1m 27s over" into "0m 27s over"). `keepBreached` is false only when
 * replaying histories from before that rule, which retargeted breached clocks too.
 */
export function slaAfterPriority(sla: TicketSla, priority: Priority, now: number, keepBreached = true): TicketSla {
  const cal = sla.policy.calendar;
  const settled = (k: ClockKind) =>
    sla[k].metAt !== null ||
    (keepBreached && (sla[k].breachedAt !== null || elapsed(cal, sla[k], now) >= sla[k].targetMs));
  return each(sla, (k) => (settled(k) ? sla[k] : retarget(cal, sla[k], targetMs(sla.policy, priority, k), now)));
}

/** The next instant an escalation level or a breach falls due, if any clock is running. */
export function nextSlaWake(sla: TicketSla | null): number | null {
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
export function takeDueEscalations(sla: TicketSla, now: number): { sla: TicketSla; due: DueEscalation[] } {
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

/** The SLA with the levels just taken recorded among its escalations (taken at `at`). */
export function withTakenLevels(sla: TicketSla, due: DueEscalation[], at: string): TicketSla {
  return {
    ...sla,
    escalations: [
      ...sla.escalations,
      ...due.map((d) => ({
        clock: d.clock,
        fraction: d.fraction,
        dueAt: new Date(d.dueAt).toISOString(),
        at,
        actions: d.actions,
      })),
    ],
  };
}
