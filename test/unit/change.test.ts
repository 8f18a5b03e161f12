/**
 * The change's pure rules (issue 16): which transitions each type allows, risk from a
 * questionnaire raised by computed conditions with their reasons, and each conflict rule with
 * the next free slot it suggests.
 */
import { describe, expect, it } from '@jest/globals';
import type { BusinessCalendar } from '../../workflows/kernel/business-calendar.js';
import { type ConflictInput, conflicts, nextFreeSlot, overlaps } from '../../workflows/kernel/change-conflicts.js';
import {
  type RiskFacts,
  type RiskQuestionnaire,
  assessRisk,
  changeTransitionRefusal,
  questionnaireProblems,
} from '../../workflows/kernel/change-lifecycle.js';

const H = 3_600_000;
const at = (iso: string) => Date.parse(iso);

describe('the change lifecycle', () => {
  it('takes a normal change through assessment and the CAB, a standard one straight to its schedule', () => {
    expect(changeTransitionRefusal('normal', 'submitted', 'assessment')).toBeNull();
    expect(changeTransitionRefusal('normal', 'submitted', 'scheduled')?.code).toBe('illegal_transition');
    expect(changeTransitionRefusal('standard', 'submitted', 'scheduled')).toBeNull();
    expect(changeTransitionRefusal('standard', 'submitted', 'pending_approval')?.detail).toBe(
      'A standard change that is submitted can go only to scheduled, cancelled, not pending_approval',
    );
    expect(changeTransitionRefusal('emergency', 'submitted', 'pending_approval')).toBeNull();
  });

  it('is not cancelled once implementing, moves no more once ended, and a reschedule of a normal one is assessed again', () => {
    expect(changeTransitionRefusal('normal', 'implementing', 'cancelled')?.code).toBe('illegal_transition');
    expect(changeTransitionRefusal('normal', 'implementing', 'rolled_back')).toBeNull();
    expect(changeTransitionRefusal('normal', 'completed', 'reviewing')?.detail).toBe(
      'A normal change that is completed does not move any more',
    );
    expect(changeTransitionRefusal('normal', 'needs_reschedule', 'assessment')).toBeNull();
    expect(changeTransitionRefusal('normal', 'needs_reschedule', 'scheduled')?.code).toBe('illegal_transition');
    expect(changeTransitionRefusal('standard', 'needs_reschedule', 'scheduled')).toBeNull();
    expect(changeTransitionRefusal('normal', 'draft', 'draft')?.code).toBe('no_change');
  });
});

describe('risk', () => {
  const q: RiskQuestionnaire = {
    questions: [
      {
        id: 'tested',
        text: 'Tested in staging?',
        options: [
          { value: 'yes', label: 'Yes', points: 0 },
          { value: 'no', label: 'No', points: 5 },
        ],
      },
      {
        id: 'backout',
        text: 'Back-out plan?',
        options: [
          { value: 'tested', label: 'Tested', points: 0 },
          { value: 'written', label: 'Written', points: 2 },
          { value: 'none', label: 'None', points: 6 },
        ],
      },
    ],
    thresholds: { moderate: 3, high: 7, very_high: 11 },
  };
  const calm: RiskFacts = {
    type: 'normal',
    submittedAt: at('2026-12-07T09:00:00Z'),
    plannedStart: at('2026-12-12T22:00:00Z'),
    minLeadTimeMs: 72 * H,
    criticalServices: [],
    usersAffected: 10,
    manyUsers: 500,
    openP1s: [],
    insideMaintenanceWindow: true,
  };

  it('scores the answers into a level, and says which questions are left', () => {
    expect(assessRisk(q, { tested: 'yes', backout: 'written' }, calm)).toEqual({
      score: 2,
      scoredLevel: 'low',
      level: 'low',
      conditions: [],
      unanswered: [],
    });
    const half = assessRisk(q, { tested: 'no' }, calm);
    expect([half.score, half.level, half.unanswered]).toEqual([5, 'moderate', ['backout']]);
    expect(assessRisk(q, { tested: 'no', backout: 'none' }, calm).level).toBe('very_high');
  });

  it('is raised by every computed condition, each with its reason', () => {
    const risky = assessRisk(
      q,
      { tested: 'yes', backout: 'tested' },
      {
        ...calm,
        plannedStart: calm.submittedAt + 20 * H,
        criticalServices: ['Web shop'],
        usersAffected: 800,
        openP1s: ['INC-7'],
        insideMaintenanceWindow: false,
      },
    );
    expect(risky.scoredLevel).toBe('low');
    expect(risky.level).toBe('very_high');
    expect(risky.conditions.map((c) => [c.code, c.reason])).toEqual([
      ['insufficient_lead_time', 'Planned 20 h after submission; a normal change needs 72 h'],
      ['critical_service', 'Affects critical service Web shop'],
      ['many_users', 'Affects 800 users (many is 500 or more)'],
      ['open_p1', 'Open P1 on an affected CI: INC-7'],
      ['outside_maintenance_window', 'The planned time is not inside the maintenance window of every affected CI'],
    ]);
    // An emergency is not held to the lead time.
    const urgent = assessRisk(q, {}, { ...calm, type: 'emergency', plannedStart: calm.submittedAt + H });
    expect(urgent.conditions).toEqual([]);
  });

  it('refuses a questionnaire that cannot be scored', () => {
    expect(questionnaireProblems(q)).toEqual([]);
    expect(
      questionnaireProblems({
        questions: [
          q.questions[0]!,
          { id: 'tested', text: 'again', options: [{ value: 'x', label: 'x', points: -1 }] },
        ],
        thresholds: { moderate: 5, high: 5, very_high: 9 },
      }),
    ).toEqual([
      'Question tested appears twice',
      'Question tested needs at least two options',
      'Question tested: points are whole numbers from 0',
      'Thresholds rise: 0 < moderate < high < very high',
    ]);
  });
});

describe('schedule conflicts', () => {
  /** Saturdays 22:00 to Sunday 04:00, Jakarta time (UTC+7). */
  const saturdayNight: BusinessCalendar = {
    timeZone: 'Asia/Jakarta',
    week: [[], [], [], [], [], [], [{ start: '22:00', end: '04:00' }]],
    holidays: [],
  };
  // Saturday 12 December 2026, 22:00–23:00 in Jakarta.
  const plan = { start: at('2026-12-12T15:00:00Z'), end: at('2026-12-12T16:00:00Z') };
  const base: ConflictInput = {
    key: 'CHG-1',
    plan,
    ciIds: ['db1'],
    implementerId: 'ana',
    others: [],
    related: { db1: ['srv1'] },
    windows: [{ name: 'Saturday night', calendar: saturdayNight, ciIds: ['db1', 'srv1'] }],
    blackouts: [],
    servicesOf: { db1: [{ id: 'shop', name: 'Web shop' }] },
    incidents: [],
    names: { db1: 'orders-db', srv1: 'db-host' },
  };

  it('finds none when the plan is inside its window and nothing else is booked', () => {
    expect(conflicts(base)).toEqual([]);
  });

  it('same CI overlapping conflicts; contiguous does not', () => {
    const other = {
      key: 'CHG-2',
      start: plan.end - 30 * 60_000,
      end: plan.end + H,
      ciIds: ['db1'],
      implementerId: null,
    };
    expect(conflicts({ ...base, others: [other] })).toEqual([
      {
        rule: 'same_ci',
        with: 'CHG-2',
        ciId: 'db1',
        reason: 'CHG-2 changes orders-db too, 2026-12-12 15:30 UTC – 2026-12-12 17:00 UTC',
      },
    ]);
    expect(overlaps(plan, { start: plan.end, end: plan.end + H })).toBe(false);
    expect(conflicts({ ...base, others: [{ ...other, start: plan.end }] })).toEqual([]);
  });

  it('a change on the CI’s parent or child conflicts, and so does a busy implementer', () => {
    const others = [
      { key: 'CHG-3', start: plan.start, end: plan.end, ciIds: ['srv1'], implementerId: null },
      { key: 'CHG-4', start: plan.start, end: plan.end, ciIds: ['mail'], implementerId: 'ana' },
    ];
    expect(conflicts({ ...base, others }).map((c) => [c.rule, c.with])).toEqual([
      ['related_ci', 'CHG-3'],
      ['implementer_busy', 'CHG-4'],
    ]);
  });

  it('outside the window conflicts, and the suggested slot is the next window, saying so', () => {
    const tuesday = { start: at('2026-12-08T03:00:00Z'), end: at('2026-12-08T04:00:00Z') };
    const input = { ...base, plan: tuesday };
    expect(conflicts(input)).toEqual([
      {
        rule: 'outside_maintenance_window',
        with: 'Saturday night',
        ciId: 'db1',
        reason: 'orders-db may be changed only in Saturday night',
      },
    ]);
    const slot = nextFreeSlot(input, tuesday.start);
    expect(slot && [new Date(slot.start).toISOString(), new Date(slot.end).toISOString()]).toEqual([
      '2026-12-12T15:00:00.000Z',
      '2026-12-12T16:00:00.000Z',
    ]);
    expect(slot?.reason).toBe('The first 60 min from 2026-12-08 03:00 UTC with no conflict: inside Saturday night');
  });

  it('the slot steps past a change already booked in the window', () => {
    const booked = { key: 'CHG-5', start: plan.start, end: plan.start + 2 * H, ciIds: ['db1'], implementerId: null };
    const slot = nextFreeSlot({ ...base, others: [booked] }, plan.start);
    expect(slot && new Date(slot.start).toISOString()).toBe('2026-12-12T17:00:00.000Z');
  });

  it('a blackout on a service the CI supports through the graph conflicts; one on another service does not', () => {
    const freeze = { name: 'Year-end freeze', serviceId: 'shop', start: plan.start - H, end: plan.end + H };
    expect(conflicts({ ...base, blackouts: [freeze] })).toEqual([
      {
        rule: 'blackout',
        with: 'Year-end freeze',
        ciId: 'db1',
        reason: 'Year-end freeze on Web shop, which orders-db supports: 2026-12-12 14:00 UTC – 2026-12-12 17:00 UTC',
      },
    ]);
    expect(conflicts({ ...base, blackouts: [{ ...freeze, serviceId: 'payroll' }] })).toEqual([]);
    expect(conflicts({ ...base, blackouts: [{ ...freeze, serviceId: null }] }).map((c) => c.rule)).toEqual([
      'blackout',
    ]);
  });

  it('an open P1 or P2 on an affected CI conflicts, a P3 does not, and no later slot cures it', () => {
    const incidents = [
      { key: 'INC-9', priority: 'P1', ciIds: ['db1'] },
      { key: 'INC-10', priority: 'P3', ciIds: ['db1'] },
    ];
    expect(conflicts({ ...base, incidents })).toEqual([
      { rule: 'open_incident', with: 'INC-9', ciId: 'db1', reason: 'INC-9 (P1) is open on orders-db' },
    ]);
    // The slot looks for a time; the incident is a matter for the CAB, not the calendar.
    expect(nextFreeSlot({ ...base, incidents }, plan.start)?.start).toBe(plan.start);
  });
});
