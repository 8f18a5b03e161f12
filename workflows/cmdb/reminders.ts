/**
 * A CI's end-date reminders as one durable workflow (issue 15): it sleeps until the next reminder
 * (a Temporal timer, so an outage of the worker only delays it), sends it once, and plans again;
 * a changed date (a signal from the API) replans at once, so reminders for the old date are never
 * sent. With nothing left to remind it ends; the next date given starts it again.
 */
import { condition, continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type * as activities from '../../activities/index.js';
import { reminderPlan } from '../kernel/cmdb-reminders.js';
import { type CiRemindersInput, ciDatesSignal, ciRemindersQuery } from './messages.js';

const { remindCiOwner } = proxyActivities<typeof activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 20 },
});

export async function ciRemindersWorkflow(input: CiRemindersInput): Promise<void> {
  let { revision, dates } = input;
  const done = new Set(input.done ?? []);
  let changed = false;
  let next: string | null = null;
  setHandler(ciDatesSignal, (s) => {
    if (s.revision < revision) return;
    revision = s.revision;
    dates = s.dates;
    changed = true;
  });
  setHandler(ciRemindersQuery, () => ({ revision, dates, done: [...done], next }));
  for (;;) {
    const plan = reminderPlan(dates, done, Date.now());
    for (const key of plan.skip) done.add(key);
    for (const r of plan.due) {
      await remindCiOwner({ orgId: input.orgId, ciId: input.ciId, kind: r.kind, date: r.date, days: r.days });
      done.add(r.key);
    }
    if (changed) {
      changed = false;
      continue;
    }
    if (!plan.next) return;
    next = new Date(plan.next.at).toISOString();
    await condition(() => changed, plan.next.at - Date.now());
    if (workflowInfo().continueAsNewSuggested)
      await continueAsNew<typeof ciRemindersWorkflow>({ ...input, revision, dates, done: [...done] });
  }
}
