import { describe, expect, it } from '@jest/globals';
import {
  INCIDENT_STATUSES,
  TRANSITION_TARGETS,
  allowedTransitions,
  checkAssignment,
  checkTransition,
  isTerminal,
  statusAfterAssignment,
  type IncidentStatus,
  type TransitionTarget,
} from '../../workflows/kernel/incident-lifecycle.js';
import { priorityFor } from '../../workflows/kernel/priority.js';
import { applyEdit, checkEdit } from '../../workflows/incident/edit.js';
import type { EditCommand, IncidentSnapshot } from '../../workflows/incident/messages.js';

const assigned = { assigneeId: 'u1' };
const complete = {
  reason: 'why',
  pendingReason: 'customer',
  resolutionCode: 'solved',
  resolutionNotes: 'done',
} as const;

describe('incident lifecycle rules', () => {
  const legal: [IncidentStatus, TransitionTarget][] = [
    ['new', 'cancelled'],
    ['assigned', 'in_progress'],
    ['assigned', 'cancelled'],
    ['in_progress', 'pending'],
    ['in_progress', 'resolved'],
    ['in_progress', 'cancelled'],
    ['pending', 'in_progress'],
    ['pending', 'resolved'],
    ['pending', 'cancelled'],
    ['resolved', 'closed'],
    ['resolved', 'in_progress'],
  ];

  it('allows exactly the transitions of new → assigned → in_progress ⇄ pending → resolved → closed, reopen and cancel', () => {
    for (const from of INCIDENT_STATUSES) {
      for (const to of TRANSITION_TARGETS) {
        const expected = legal.some(([f, t]) => f === from && t === to);
        const refusal = checkTransition({ status: from, ...assigned }, { to, ...complete });
        expect({ from, to, allowed: refusal === null }).toEqual({ from, to, allowed: expected });
      }
    }
  });

  it('lists no way out of closed or cancelled', () => {
    expect(allowedTransitions('closed')).toEqual([]);
    expect(allowedTransitions('cancelled')).toEqual([]);
    expect(isTerminal('closed') && isTerminal('cancelled') && !isTerminal('resolved')).toBe(true);
  });

  it('refuses to start work on an unassigned incident', () => {
    expect(checkTransition({ status: 'assigned', assigneeId: null }, { to: 'in_progress' })).toMatchObject({
      code: 'missing_field',
      field: 'assigneeId',
    });
  });

  it('needs a pending reason, a resolution code and notes, and a reason to cancel or reopen', () => {
    const ctx = { status: 'in_progress' as const, ...assigned };
    expect(checkTransition(ctx, { to: 'pending' })?.field).toBe('pendingReason');
    expect(checkTransition(ctx, { to: 'resolved', resolutionNotes: 'x' })?.field).toBe('resolutionCode');
    expect(checkTransition(ctx, { to: 'resolved', resolutionCode: 'solved', resolutionNotes: '  ' })?.field).toBe(
      'resolutionNotes',
    );
    expect(checkTransition(ctx, { to: 'cancelled' })?.field).toBe('reason');
    expect(checkTransition({ status: 'resolved', ...assigned }, { to: 'in_progress' })?.field).toBe('reason');
    expect(checkTransition({ status: 'resolved', ...assigned }, { to: 'closed' })).toBeNull();
  });

  it('assigns open incidents only, moving new ones to assigned', () => {
    expect(checkAssignment('pending')).toBeNull();
    expect(checkAssignment('resolved')?.code).toBe('not_assignable');
    expect(checkAssignment('closed')?.code).toBe('not_assignable');
    expect(statusAfterAssignment('new', 'u1')).toBe('assigned');
    expect(statusAfterAssignment('new', null)).toBe('new');
    expect(statusAfterAssignment('in_progress', 'u2')).toBe('in_progress');
  });
});

describe('priority matrix', () => {
  it('maps impact × urgency to P1..P4 as in the brief', () => {
    expect(priorityFor('high', 'high')).toBe('P1');
    expect(priorityFor('high', 'medium')).toBe('P2');
    expect(priorityFor('medium', 'high')).toBe('P2');
    expect(priorityFor('medium', 'medium')).toBe('P3');
    expect(priorityFor('low', 'low')).toBe('P4');
  });
});

describe('editing the configuration items an incident affects', () => {
  const s = {
    status: 'in_progress',
    title: 'Slow',
    impact: 'medium',
    urgency: 'medium',
    priority: 'P3',
    assigneeId: 'u1',
    teamId: 't1',
  } as unknown as IncidentSnapshot;
  const a = '00000000-0000-4000-8000-00000000000a';
  const b = '00000000-0000-4000-8000-00000000000b';
  const actor = { kind: 'user', id: 'u1' } as unknown as EditCommand['actor'];

  it('compares lists by value: an incident from before CIs affects none, and the same list is no change', () => {
    expect(checkEdit(s, { actor, ciIds: [] })).toMatchObject({ code: 'invalid_command', detail: 'Nothing to change' });
    expect(checkEdit({ ...s, ciIds: [a, b] }, { actor, ciIds: [a, b] })).toMatchObject({ detail: 'Nothing to change' });
    expect(checkEdit({ ...s, ciIds: [a, b] }, { actor, ciIds: [b, a] })).toBeNull();
    const { next, changes } = applyEdit(s, { actor, ciIds: [a] });
    expect(next.ciIds).toEqual([a]);
    expect(changes).toEqual({ ciIds: { from: [], to: [a] } });
  });

  it('refuses what is not a list of distinct CI ids (a signal from outside is judged too)', () => {
    for (const bad of [
      [a, a],
      ['not-an-id'],
      'x',
      Array.from({ length: 51 }, (_, n) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`),
    ])
      expect(checkEdit(s, { actor, ciIds: bad as string[] })).toMatchObject({
        code: 'invalid_command',
        field: 'ciIds',
      });
  });
});
