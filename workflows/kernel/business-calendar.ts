/**
 * Business time: weekly working hours in a time zone (split and overnight shifts), minus holidays.
 * Pure and deterministic (only Intl for time-zone offsets), so the workflow, the API and the UI can
 * all use it. Working intervals are real instants, so a shift that spans a DST change counts the
 * time that really passed.
 */

/**
 * A shift on one weekday, local wall time `HH:MM`; `end` ≤ `start` means it ends the next day, and
 * `end` 24:00 means midnight at the end of the day.
 */
export interface Shift {
  start: string;
  end: string;
}

export interface BusinessCalendar {
  /** IANA time zone, e.g. `Asia/Jakarta`. */
  timeZone: string;
  /** Shifts per weekday: index 0 = Sunday … 6 = Saturday. */
  week: Shift[][];
  /** Local dates (`YYYY-MM-DD`) without work; a shift belongs to the date it starts on. */
  holidays: string[];
}

/** A calendar that is always open: business time equals elapsed time. */
export const ALWAYS_OPEN: BusinessCalendar = {
  timeZone: 'UTC',
  week: Array.from({ length: 7 }, () => [{ start: '00:00', end: '00:00' }]),
  holidays: [],
};

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
/** An end may also be 24:00, the end of the day ("00:00-24:00" is the whole day). */
const END_TIME = /^(?:([01]\d|2[0-3]):([0-5]\d)|24:00)$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;
/** How far ahead to look for working time before declaring the calendar closed. */
const HORIZON_DAYS = 3 * 366;

/** Problems with a calendar definition (empty when it is valid). */
export function calendarProblems(c: BusinessCalendar): string[] {
  const problems: string[] = [];
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: c.timeZone });
  } catch {
    problems.push(`unknown time zone '${c.timeZone}'`);
  }
  if (!Array.isArray(c.week) || c.week.length !== 7) problems.push('week must list 7 days, Sunday first');
  else
    c.week.forEach((shifts, day) => {
      for (const s of shifts) {
        if (!TIME.test(s.start) || !END_TIME.test(s.end)) problems.push(`day ${day}: times must be HH:MM`);
      }
      const spans = shifts
        .filter((s) => TIME.test(s.start) && END_TIME.test(s.end))
        .map((s) => span(s))
        .sort((a, b) => a[0] - b[0]);
      for (let i = 1; i < spans.length; i++) {
        if (spans[i]![0] < spans[i - 1]![1]) problems.push(`day ${day}: shifts overlap`);
      }
    });
  for (const h of c.holidays ?? []) if (!DATE.test(h)) problems.push(`holiday '${h}' is not YYYY-MM-DD`);
  if (!problems.length && c.week.every((d) => d.length === 0)) problems.push('the calendar has no working hours');
  return problems;
}

/** Minutes from local midnight: [start, end), end past 1440 for overnight shifts. */
function span(s: Shift): [number, number] {
  const start = minutes(s.start);
  let end = minutes(s.end);
  if (end <= start) end += 1440;
  return [start, end];
}

function minutes(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Local wall-clock fields of an instant in a zone. */
function localParts(t: number, timeZone: string) {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(t))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    y: parts['year']!,
    m: parts['month']!,
    d: parts['day']!,
    h: parts['hour']!,
    mi: parts['minute']!,
    s: parts['second']!,
  };
}

/** The zone's offset from UTC at an instant, in ms. */
function offsetAt(t: number, timeZone: string): number {
  const p = localParts(t, timeZone);
  return Date.UTC(p.y, p.m - 1, p.d, p.h, p.mi, p.s) - Math.floor(t / 1000) * 1000;
}

/**
 * The instant of a local wall time. In a spring-forward gap the time is moved forward by the gap;
 * in a fall-back overlap the earlier instant is taken.
 */
function zonedInstant(dayUtc: number, minuteOfDay: number, timeZone: string): number {
  const wall = dayUtc + minuteOfDay * 60_000;
  const o1 = offsetAt(wall - 12 * 3_600_000, timeZone);
  const o2 = offsetAt(wall + 12 * 3_600_000, timeZone);
  // Of the offsets around this day, take one that maps the wall time back onto itself.
  for (const o of o1 >= o2 ? [o1, o2] : [o2, o1]) {
    if (offsetAt(wall - o, timeZone) === o) return wall - o;
  }
  return wall - Math.min(o1, o2);
}

function isoDate(dayUtc: number): string {
  return new Date(dayUtc).toISOString().slice(0, 10);
}

/** Working intervals (instants) of the shifts that start on local days from `fromDay` on. */
function* intervals(c: BusinessCalendar, fromInstant: number): Generator<[number, number]> {
  const p = localParts(fromInstant, c.timeZone);
  // Start a day early: an overnight shift from the day before may still be running.
  let day = Date.UTC(p.y, p.m - 1, p.d) - DAY_MS;
  const holidays = new Set(c.holidays);
  const spans = c.week.map((shifts) => shifts.map(span).sort((a, b) => a[0] - b[0]));
  for (let i = 0; i < HORIZON_DAYS; i++, day += DAY_MS) {
    if (holidays.has(isoDate(day))) continue;
    for (const [s, e] of spans[new Date(day).getUTCDay()]!) {
      const start = zonedInstant(day, s, c.timeZone);
      const end = zonedInstant(day, e, c.timeZone);
      if (end > fromInstant && end > start) yield [Math.max(start, fromInstant), end];
    }
  }
}

/**
 * The instant at which `ms` of business time have passed after `from`. Throws when the calendar
 * has no working time within three years.
 */
/** Open around the clock with no holidays (the default calendar): business time is elapsed time. */
function alwaysOpen(c: BusinessCalendar): boolean {
  return (
    (c.holidays ?? []).length === 0 &&
    c.week.every((d) => d.length === 1 && d[0]!.start === '00:00' && (d[0]!.end === '00:00' || d[0]!.end === '24:00'))
  );
}

export function addBusinessTime(c: BusinessCalendar, from: number, ms: number): number {
  if (ms <= 0) return from;
  if (alwaysOpen(c)) return from + ms; // the walk below would say the same, one day at a time
  let left = ms;
  let lastEnd = from;
  for (const [start, end] of intervals(c, from)) {
    // Shifts of consecutive days can touch or, around DST, overlap: never count time twice.
    const s = Math.max(start, lastEnd);
    if (end <= s) continue;
    if (end - s >= left) return s + left;
    left -= end - s;
    lastEnd = end;
  }
  throw new Error('The calendar has no working time in the next three years');
}

/** Business time between two instants (0 when `to` ≤ `from`). */
export function businessTimeBetween(c: BusinessCalendar, from: number, to: number): number {
  if (to <= from) return 0;
  if (alwaysOpen(c)) return to - from; // measured on every list row: skip the day-by-day walk
  let total = 0;
  let lastEnd = from;
  for (const [start, end] of intervals(c, from)) {
    const s = Math.max(start, lastEnd);
    if (s >= to) break;
    if (end > s) {
      total += Math.min(end, to) - s;
      lastEnd = end;
    }
  }
  return total;
}

/** Whether an instant falls in working time. */
export function isWorkingTime(c: BusinessCalendar, t: number): boolean {
  return businessTimeBetween(c, t, t + 1) === 1;
}
