/**
 * When a CI's end dates are reminded (issue 15): warranty, support and licence ends, 90, 30 and 7
 * days before, at 09:00 UTC. Each reminder is keyed by the date it is for, so a moved date makes
 * new reminders and the old ones are never sent. A threshold already passed when a date is set is
 * not sent late, except the latest one (a licence set to expire in 20 days is reminded now, once,
 * as "30 days"). Pure: the reminder workflow and its tests read the same plan.
 */
import { EXPIRY_REMINDER_DAYS, type ExpiryDate } from './cmdb-items.js';

export interface EndDate {
  kind: ExpiryDate;
  /** YYYY-MM-DD */
  date: string;
}
export interface Reminder {
  /** kind:date:days — the same reminder always has the same key. */
  key: string;
  kind: ExpiryDate;
  date: string;
  days: number;
  /** When it falls due (ms). */
  at: number;
}

const DAY = 86_400_000;
const dueAt = (date: string, days: number) => Date.parse(`${date}T09:00:00Z`) - days * DAY;

/**
 * The reminders of `dates` as of `now`, leaving out those in `done`: what is due now, what passed
 * unsent and is skipped, and the next one to wait for.
 */
export function reminderPlan(
  dates: readonly EndDate[],
  done: ReadonlySet<string>,
  now: number,
): { due: Reminder[]; skip: string[]; next: Reminder | null } {
  const due: Reminder[] = [];
  const skip: string[] = [];
  const upcoming: Reminder[] = [];
  for (const { kind, date } of dates) {
    const all = EXPIRY_REMINDER_DAYS.map((days) => ({
      key: `${kind}:${date}:${days}`,
      kind,
      date,
      days,
      at: dueAt(date, days),
    }));
    const passed = all.filter((r) => r.at <= now && !done.has(r.key));
    // The latest passed (smallest days) is sent now unless the date itself has gone by; earlier ones are skipped.
    const latest = passed.at(-1);
    for (const r of passed)
      if (r === latest && now < Date.parse(`${date}T23:59:59Z`)) due.push(r);
      else skip.push(r.key);
    upcoming.push(...all.filter((r) => r.at > now && !done.has(r.key)));
  }
  upcoming.sort((a, b) => a.at - b.at);
  return { due, skip, next: upcoming[0] ?? null };
}
