/**
 * A change's schedule conflicts (issue 16), pure: given the change's planned time, CIs and
 * implementer, and what the caller read around it (other scheduled changes, the CIs' parents and
 * children, maintenance and blackout windows, the services each CI supports through the graph,
 * open incidents), it names every conflict with its rule and reason, and suggests the next slot
 * that has none, saying why that one. Maintenance windows are weekly business calendars (their
 * time zone included), so DST and holidays are read as the SLA clocks read them.
 */
import { type BusinessCalendar, addBusinessTime, businessTimeBetween, isWorkingTime } from './business-calendar.js';

export type ConflictRule =
  'same_ci' | 'related_ci' | 'outside_maintenance_window' | 'blackout' | 'implementer_busy' | 'open_incident';

export interface Conflict {
  rule: ConflictRule;
  reason: string;
  /** What it conflicts with: a change or incident key, a window's name. */
  with: string;
  /** The CI it is about, where it is about one. */
  ciId?: string;
}

export interface Interval {
  start: number;
  end: number;
}

/** Another change already scheduled (or implementing). */
export interface ScheduledChange extends Interval {
  key: string;
  ciIds: string[];
  implementerId: string | null;
}

/** A window in which the CIs it covers may be changed. */
export interface MaintenanceWindow {
  name: string;
  calendar: BusinessCalendar;
  /** The CIs it covers (resolved by the caller from its CI, class or service scope). */
  ciIds: string[];
}

/** A time nothing may change: the whole organization's, or a service's (and what supports it). */
export interface Blackout extends Interval {
  name: string;
  /** Null: organization-wide. */
  serviceId: string | null;
}

export interface ConflictInput {
  key: string;
  plan: Interval;
  ciIds: string[];
  implementerId: string | null;
  others: ScheduledChange[];
  /** Each CI's parents and children (contains / part_of, hosted_on / hosts), by CI id. */
  related: Record<string, string[]>;
  windows: MaintenanceWindow[];
  blackouts: Blackout[];
  /** The services each affected CI supports through the graph, by CI id. */
  servicesOf: Record<string, { id: string; name: string }[]>;
  /** Open incidents on the affected CIs. */
  incidents: { key: string; priority: string; ciIds: string[] }[];
  /** CI names for the reasons. */
  names: Record<string, string>;
}

/** Two intervals overlap when they share time; touching ends (one ends as the other starts) do not. */
export function overlaps(a: Interval, b: Interval): boolean {
  return a.start < b.end && b.start < a.end;
}

const fmt = (t: number) => new Date(t).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';

/** Whether the whole interval lies in the calendar's open time. */
export function inside(c: BusinessCalendar, i: Interval): boolean {
  return businessTimeBetween(c, i.start, i.end) === i.end - i.start;
}

/** Every conflict of the change's plan, each with its rule and reason. */
export function conflicts(input: ConflictInput): Conflict[] {
  const out: Conflict[] = [];
  const { plan } = input;
  const name = (id: string) => input.names[id] ?? id;
  const mine = new Set(input.ciIds);
  for (const o of input.others) {
    if (o.key === input.key || !overlaps(plan, o)) continue;
    const when = `${fmt(o.start)} – ${fmt(o.end)}`;
    for (const ci of input.ciIds) {
      if (o.ciIds.includes(ci)) {
        out.push({ rule: 'same_ci', with: o.key, ciId: ci, reason: `${o.key} changes ${name(ci)} too, ${when}` });
      } else {
        const rel = (input.related[ci] ?? []).find((r) => o.ciIds.includes(r) && !mine.has(r));
        if (rel) {
          out.push({
            rule: 'related_ci',
            with: o.key,
            ciId: ci,
            reason: `${o.key} changes ${name(rel)}, which ${name(ci)} is part of or hosted with, ${when}`,
          });
        }
      }
    }
    if (input.implementerId && o.implementerId === input.implementerId) {
      out.push({ rule: 'implementer_busy', with: o.key, reason: `The implementer carries out ${o.key} then, ${when}` });
    }
  }
  for (const ci of input.ciIds) {
    const covering = input.windows.filter((w) => w.ciIds.includes(ci));
    if (covering.length && !covering.some((w) => inside(w.calendar, plan))) {
      out.push({
        rule: 'outside_maintenance_window',
        with: covering.map((w) => w.name).join(', '),
        ciId: ci,
        reason: `${name(ci)} may be changed only in ${covering.map((w) => w.name).join(' or ')}`,
      });
    }
  }
  for (const b of input.blackouts) {
    if (!overlaps(plan, b)) continue;
    if (b.serviceId === null) {
      out.push({
        rule: 'blackout',
        with: b.name,
        reason: `${b.name}: no changes anywhere ${fmt(b.start)} – ${fmt(b.end)}`,
      });
      continue;
    }
    for (const ci of input.ciIds) {
      const service = (input.servicesOf[ci] ?? []).find((s) => s.id === b.serviceId);
      if (service) {
        out.push({
          rule: 'blackout',
          with: b.name,
          ciId: ci,
          reason: `${b.name} on ${service.name}, which ${name(ci)} supports: ${fmt(b.start)} – ${fmt(b.end)}`,
        });
      }
    }
  }
  for (const inc of input.incidents) {
    if (inc.priority !== 'P1' && inc.priority !== 'P2') continue;
    const ci = inc.ciIds.find((c) => mine.has(c));
    if (ci) {
      out.push({
        rule: 'open_incident',
        with: inc.key,
        ciId: ci,
        reason: `${inc.key} (${inc.priority}) is open on ${name(ci)}`,
      });
    }
  }
  return out;
}

/** The rules a later time can cure (an open incident stays whenever the change is moved to). */
const TIMED: readonly ConflictRule[] = [
  'same_ci',
  'related_ci',
  'outside_maintenance_window',
  'blackout',
  'implementer_busy',
];

export interface Slot extends Interval {
  /** Why this slot: in which windows, and what it leaves before it. */
  reason: string;
}

const STEP = 15 * 60_000;
const DAY = 86_400_000;

/** The next start at or after `t` that every covering window allows (itself when none covers). */
function nextOpening(windows: BusinessCalendar[], t: number): number {
  let at = t;
  for (let round = 0; round < 50; round++) {
    const moved = windows.reduce((x, c) => (isWorkingTime(c, x) ? x : addBusinessTime(c, x, 1) - 1), at);
    if (moved === at) return at;
    at = moved;
  }
  return at;
}

/**
 * The earliest slot of the change's length from `from` on (in 15-minute steps, within
 * `horizonDays`) where no conflict a time can cure remains; null when there is none.
 */
export function nextFreeSlot(input: ConflictInput, from: number, horizonDays = 60): Slot | null {
  const length = input.plan.end - input.plan.start;
  const calendars = input.windows.filter((w) => w.ciIds.some((c) => input.ciIds.includes(c))).map((w) => w.calendar);
  const until = from + horizonDays * DAY;
  let start = Math.ceil(from / STEP) * STEP;
  while (start < until) {
    start = nextOpening(calendars, start);
    if (start >= until) break;
    const plan = { start, end: start + length };
    const left = conflicts({ ...input, plan }).filter((c) => TIMED.includes(c.rule));
    if (!left.length) {
      const windows = input.windows.filter((w) => w.ciIds.some((c) => input.ciIds.includes(c))).map((w) => w.name);
      const why = windows.length ? `inside ${[...new Set(windows)].join(', ')}` : 'no maintenance window applies';
      return {
        ...plan,
        reason: `The first ${Math.round(length / 60_000)} min from ${fmt(from)} with no conflict: ${why}`,
      };
    }
    // Past what is in the way: the end of an overlapping change or blackout, else the next step.
    const ends = [...input.others, ...input.blackouts].filter((x) => overlaps(plan, x)).map((x) => x.end);
    start = Math.max(start + STEP, ...ends.filter((e) => e > start));
    start = Math.ceil(start / STEP) * STEP;
  }
  return null;
}
