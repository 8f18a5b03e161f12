/** Business-time arithmetic: worked examples (Jakarta, Berlin over DST) and properties (fast-check). */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  addBusinessTime,
  type BusinessCalendar,
  businessTimeBetween,
  calendarProblems,
  isWorkingTime,
} from '../../workflows/kernel/business-calendar.js';

const H = 3_600_000;
const M = 60_000;
const weekdays = (shifts: { start: string; end: string }[]) => [[], shifts, shifts, shifts, shifts, shifts, []];

const jakarta: BusinessCalendar = {
  timeZone: 'Asia/Jakarta',
  week: weekdays([{ start: '08:00', end: '17:00' }]),
  holidays: ['2026-12-25'],
};
const berlinSplit: BusinessCalendar = {
  timeZone: 'Europe/Berlin',
  week: weekdays([
    { start: '08:00', end: '12:00' },
    { start: '13:00', end: '17:00' },
  ]),
  holidays: [],
};
const berlinNight: BusinessCalendar = {
  timeZone: 'Europe/Berlin',
  week: Array.from({ length: 7 }, () => [{ start: '22:00', end: '06:00' }]),
  holidays: [],
};

const at = (iso: string) => Date.parse(iso);
const iso = (t: number) => new Date(t).toISOString();

describe('worked examples', () => {
  it('Jakarta (UTC+7, no DST): a P1 raised Friday 16:00 resolves by Monday 11:00; response from 16:30 is due Monday 08:30', () => {
    const friday1600 = at('2026-11-27T16:00:00+07:00');
    expect(iso(addBusinessTime(jakarta, friday1600, 1 * H))).toBe(iso(at('2026-11-27T17:00:00+07:00')));
    expect(iso(addBusinessTime(jakarta, friday1600, 4 * H))).toBe(iso(at('2026-11-30T11:00:00+07:00')));
    expect(iso(addBusinessTime(jakarta, at('2026-11-27T16:30:00+07:00'), 1 * H))).toBe(
      iso(at('2026-11-30T08:30:00+07:00')),
    );
    expect(businessTimeBetween(jakarta, friday1600, at('2026-11-30T11:00:00+07:00'))).toBe(4 * H);
  });

  it('skips holidays: raised Thursday 24 Dec 16:00 with 2 h left, due Monday 28 Dec 09:00', () => {
    expect(iso(addBusinessTime(jakarta, at('2026-12-24T16:00:00+07:00'), 2 * H))).toBe(
      iso(at('2026-12-28T09:00:00+07:00')),
    );
  });

  it('starts from the next opening when raised out of hours, and honours a lunch break', () => {
    expect(iso(addBusinessTime(jakarta, at('2026-11-28T10:00:00+07:00'), 30 * M))).toBe(
      iso(at('2026-11-30T08:30:00+07:00')),
    );
    expect(iso(addBusinessTime(berlinSplit, at('2026-11-24T11:00:00+01:00'), 2 * H))).toBe(
      iso(at('2026-11-24T14:00:00+01:00')),
    );
    expect(isWorkingTime(berlinSplit, at('2026-11-24T12:30:00+01:00'))).toBe(false);
  });

  it('Berlin over the spring-forward switch: 8-hour day shifts stay 8 hours, wall times move by the offset', () => {
    // Friday 27 March 2026 16:00 CET + 4 h business → Monday 30 March 11:00 CEST (the switch is Sunday 29 March).
    expect(iso(addBusinessTime(berlinSplit, at('2026-03-27T16:00:00+01:00'), 4 * H))).toBe(
      iso(at('2026-03-30T11:00:00+02:00')),
    );
  });

  it('Berlin overnight shift across the switches: 7 real hours in spring, 9 in autumn', () => {
    // 22:00 → 06:00 the night of 28/29 March 2026 loses an hour; 24/25 October 2026 gains one.
    expect(businessTimeBetween(berlinNight, at('2026-03-28T22:00:00+01:00'), at('2026-03-29T06:00:00+02:00'))).toBe(
      7 * H,
    );
    expect(businessTimeBetween(berlinNight, at('2026-10-24T22:00:00+02:00'), at('2026-10-25T06:00:00+01:00'))).toBe(
      9 * H,
    );
    expect(iso(addBusinessTime(berlinNight, at('2026-10-24T22:00:00+02:00'), 9 * H))).toBe(
      iso(at('2026-10-25T06:00:00+01:00')),
    );
  });

  it('gives up with an error when the calendar has no working time within three years', () => {
    const once: BusinessCalendar = {
      timeZone: 'UTC',
      week: [[{ start: '00:00', end: '00:01' }], [], [], [], [], [], []],
      holidays: [],
    };
    expect(() => addBusinessTime(once, at('2026-01-01T00:00:00Z'), 1000 * H)).toThrow(/no working time/);
  });

  it('reports bad definitions', () => {
    expect(calendarProblems({ timeZone: 'Mars/Olympus', week: weekdays([]), holidays: [] })).toContain(
      "unknown time zone 'Mars/Olympus'",
    );
    expect(
      calendarProblems({ timeZone: 'UTC', week: weekdays([{ start: '8:00', end: '17:00' }]), holidays: [] })[0],
    ).toMatch(/HH:MM/);
    expect(
      calendarProblems({
        timeZone: 'UTC',
        week: weekdays([
          { start: '08:00', end: '12:00' },
          { start: '11:00', end: '13:00' },
        ]),
        holidays: [],
      })[0],
    ).toMatch(/overlap/);
    expect(calendarProblems({ timeZone: 'UTC', week: Array.from({ length: 7 }, () => []), holidays: [] })).toEqual([
      'the calendar has no working hours',
    ]);
    expect(calendarProblems(jakarta)).toEqual([]);
  });
});

describe('properties', () => {
  const zones = ['Asia/Jakarta', 'Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'UTC'];
  const time = fc
    .tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45))
    .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
  const calendar: fc.Arbitrary<BusinessCalendar> = fc
    .record({
      timeZone: fc.constantFrom(...zones),
      shift: fc.tuple(time, time),
      split: fc.boolean(),
      days: fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 7 }),
    })
    .filter(({ shift }) => shift[0] !== shift[1])
    .map(({ timeZone, shift, split, days }) => {
      const [a, b] = shift;
      // Either one shift (maybe overnight) or, when it fits in a day, two halves with a gap.
      const one = [{ start: a, end: b }];
      const shifts = split && a < b && minutesOf(b) - minutesOf(a) >= 60 ? splitShift(a, b) : one;
      return { timeZone, week: Array.from({ length: 7 }, (_, d) => (days.includes(d) ? shifts : [])), holidays: [] };
    })
    .filter((c) => calendarProblems(c).length === 0)
    // At least 4 hours a week, so 200 hours of business time fit within the three-year horizon.
    .filter(
      (c) =>
        c.week.flat().reduce((sum, sh) => sum + ((minutesOf(sh.end) - minutesOf(sh.start) + 1440) % 1440 || 1440), 0) >=
        240,
    );
  // Instants across 2026–2027, including every DST switch of the zones above.
  const instant = fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2027-12-31T00:00:00Z') });
  const duration = fc.integer({ min: 0, max: 200 * H });

  it('measuring what was added gives it back', () => {
    fc.assert(
      fc.property(calendar, instant, duration, (c, t, d) => {
        expect(businessTimeBetween(c, t, addBusinessTime(c, t, d))).toBe(d);
      }),
      { numRuns: 150 },
    );
  });

  it('adding in two steps equals adding at once', () => {
    fc.assert(
      fc.property(calendar, instant, duration, duration, (c, t, a, b) => {
        expect(addBusinessTime(c, addBusinessTime(c, t, a), b)).toBe(addBusinessTime(c, t, a + b));
      }),
      { numRuns: 150 },
    );
  });

  it('business time between is additive, never more than elapsed time, and monotonic', () => {
    fc.assert(
      fc.property(
        calendar,
        instant,
        fc.integer({ min: 0, max: 10 * 86_400_000 }),
        fc.integer({ min: 0, max: 10 * 86_400_000 }),
        (c, t, x, y) => {
          const [a, b, e] = [t, t + x, t + x + y];
          const ab = businessTimeBetween(c, a, b);
          expect(ab + businessTimeBetween(c, b, e)).toBe(businessTimeBetween(c, a, e));
          expect(ab).toBeLessThanOrEqual(x);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a deadline falls in working time (or at the end of a shift)', () => {
    fc.assert(
      fc.property(calendar, instant, fc.integer({ min: 1, max: 200 * H }), (c, t, d) => {
        const due = addBusinessTime(c, t, d);
        expect(isWorkingTime(c, due - 1)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});

function minutesOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
}

function splitShift(a: string, b: string) {
  const mid = Math.floor((minutesOf(a) + minutesOf(b)) / 2 / 15) * 15;
  const fmt = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  return [
    { start: a, end: fmt(mid) },
    { start: fmt(mid + 15), end: b },
  ].filter((s) => s.start < s.end);
}
