/**
 * The SLA clocks are the runtime's (workflows/runtime/sla-clocks.ts), driven by phases a ticket type
 * maps its statuses onto. The incident's mapping gives exactly the clocks its own rules gave before
 * (kept here as the oracle) for every transition its lifecycle allows, every reason to wait, and
 * clocks met, paused or breached; and another type's statuses work on the same clocks.
 */
import { describe, expect, it } from '@jest/globals';
import {
  INCIDENT_STATUSES,
  type IncidentStatus,
  PENDING_REASONS,
  type PendingReason,
  allowedTransitions,
} from '../../workflows/kernel/incident-lifecycle.js';
import {
  DEFAULT_ESCALATIONS,
  DEFAULT_TARGETS,
  type SlaPolicySnapshot,
  meet,
  pause,
  reopen,
  resume,
} from '../../workflows/kernel/sla.js';
import { INCIDENT_SLA_PHASES, slaAfterTransition } from '../../workflows/incident/sla.js';
import { type SlaPhase, type TicketSla, slaAfterPhase, startSla } from '../../workflows/runtime/sla-clocks.js';

const HOUR = 3_600_000;
const policy: SlaPolicySnapshot = {
  policyId: 'p',
  version: 1,
  name: 'Office hours',
  targets: DEFAULT_TARGETS,
  calendar: {
    timeZone: 'Asia/Jakarta',
    week: [[], ...Array.from({ length: 5 }, () => [{ start: '08:00', end: '17:00' }]), []],
    holidays: [],
  },
  pauseOn: ['customer', 'vendor'],
  escalations: DEFAULT_ESCALATIONS,
};
const t0 = Date.parse('2026-12-01T02:00:00Z'); // Tuesday 09:00 in Jakarta

/** The incident's clock rules as they were written before the runtime took them (the oracle). */
function before(sla: TicketSla, from: IncidentStatus, to: IncidentStatus, reason: PendingReason | null, now: number) {
  const cal = sla.policy.calendar;
  const each = (s: TicketSla, f: (k: 'response' | 'resolution') => TicketSla['response']) => ({
    ...s,
    response: f('response'),
    resolution: f('resolution'),
  });
  let next = sla;
  if (from === 'pending') next = each(next, (k) => resume(cal, next[k], now));
  if (from === 'resolved' && to === 'in_progress') next = { ...next, resolution: reopen(cal, next.resolution, now) };
  if (to === 'in_progress' || to === 'resolved') next = { ...next, response: meet(cal, next.response, now) };
  if (to === 'resolved') next = { ...next, resolution: meet(cal, next.resolution, now) };
  if (to === 'pending' && reason && sla.policy.pauseOn.includes(reason))
    next = each(next, (k) => pause(cal, next[k], now));
  if (to === 'closed' || to === 'cancelled') next = each(next, (k) => pause(cal, next[k], now));
  return next;
}

/** Clocks as a ticket in `status` may have them: fresh, or after an earlier pause or a met response. */
function clocksIn(status: IncidentStatus): TicketSla[] {
  const fresh = startSla(policy, 'P2', t0);
  const cal = policy.calendar;
  const paused = {
    ...fresh,
    response: pause(cal, fresh.response, t0 + HOUR),
    resolution: pause(cal, fresh.resolution, t0 + HOUR),
  };
  const responded = { ...fresh, response: meet(cal, fresh.response, t0 + HOUR) };
  const done = { ...responded, resolution: meet(cal, fresh.resolution, t0 + 2 * HOUR) };
  return status === 'pending' ? [fresh, paused] : status === 'resolved' ? [done] : [fresh, responded];
}

describe('SLA clocks by phase', () => {
  it('give the incident exactly its former clocks on every transition it allows (and every reason to wait)', () => {
    let compared = 0;
    for (const from of INCIDENT_STATUSES) {
      const targets: IncidentStatus[] = [
        ...allowedTransitions(from),
        ...(from === 'new' ? (['assigned'] as const) : []),
      ];
      for (const to of targets)
        for (const reason of [null, ...PENDING_REASONS])
          for (const sla of clocksIn(from))
            for (const now of [t0 + 3 * HOUR, t0 + 30 * HOUR]) {
              expect(slaAfterTransition(sla, from, to, reason, now)).toEqual(before(sla, from, to, reason, now));
              compared++;
            }
    }
    expect(compared).toBeGreaterThan(100);
  });

  it('run for another ticket type through its own statuses (a request waiting on approval, then fulfilled)', () => {
    const REQUEST: Record<'submitted' | 'awaiting_approval' | 'fulfilling' | 'fulfilled', SlaPhase> = {
      submitted: 'running',
      awaiting_approval: 'waiting',
      fulfilling: 'responded',
      fulfilled: 'done',
    };
    const approvalPauses = { ...policy, pauseOn: ['approval'] } as unknown as SlaPolicySnapshot;
    let sla = startSla(approvalPauses, 'P3', t0);
    sla = slaAfterPhase(sla, REQUEST.submitted, REQUEST.awaiting_approval, 'approval', t0 + HOUR);
    expect(sla.response.runningSince).toBeNull();
    expect(sla.resolution.runningSince).toBeNull();
    // Four hours awaiting approval are not counted: the clocks run again from there.
    sla = slaAfterPhase(sla, REQUEST.awaiting_approval, REQUEST.fulfilling, null, t0 + 5 * HOUR);
    expect(sla.response.metAt).toBe(t0 + 5 * HOUR);
    expect(sla.response.elapsedMs).toBe(HOUR);
    sla = slaAfterPhase(sla, REQUEST.fulfilling, REQUEST.fulfilled, null, t0 + 6 * HOUR);
    expect(sla.resolution.metAt).toBe(t0 + 6 * HOUR);
    expect(sla.resolution.elapsedMs).toBe(2 * HOUR);
    // A wait the policy does not pause for leaves the clocks running.
    const running = slaAfterPhase(startSla(policy, 'P3', t0), 'running', 'waiting', 'approval', t0 + HOUR);
    expect(running.response.runningSince).toBe(t0);
    expect(INCIDENT_SLA_PHASES.pending).toBe('waiting');
  });
});
