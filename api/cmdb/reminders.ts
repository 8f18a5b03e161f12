/**
 * Keeps each CI's reminder workflow told of its end dates: after a change is stored, the workflow
 * is signalled (started if it is not running) with the dates and the record's revision, and the
 * revision it was told is noted on the row. A signal that fails leaves the row behind
 * (`reminders_revision` < `revision`); the sweep (`startReminderSweep`, in the API process) brings
 * such rows up to date every few minutes.
 */
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { ConfigurationItem } from '../../db/entities/index.js';
import { type Em, type Orm, orgEm } from '../../db/orm.js';
import { ciDatesSignal, ciRemindersWorkflowId } from '../../workflows/cmdb/messages.js';
import { EXPIRY_DATES } from '../../workflows/kernel/cmdb-items.js';
import type { EndDate } from '../../workflows/kernel/cmdb-reminders.js';
import { TASK_QUEUE } from '../../workflows/runtime/contract.js';

export class ReminderSync {
  constructor(
    private readonly temporal: Client,
    private readonly taskQueue: string,
  ) {}

  /** Tells the CI's reminder workflow its current dates (none once retired); false when Temporal could not be told. */
  async sync(em: Em, orgId: string, item: ConfigurationItem): Promise<boolean> {
    const live = item.status !== 'retired' && item.status !== 'disposed';
    const dates: EndDate[] = live
      ? EXPIRY_DATES.flatMap((kind) => (item[kind] ? [{ kind, date: item[kind] }] : []))
      : [];
    // Never reminded and nothing to remind: no workflow to start.
    if (!dates.length && item.remindersRevision == null) return true;
    if (item.remindersRevision === item.revision) return true;
    try {
      await this.temporal.workflow.signalWithStart('ciRemindersWorkflow', {
        workflowId: ciRemindersWorkflowId(orgId, item.id),
        taskQueue: this.taskQueue,
        args: [{ orgId, ciId: item.id, revision: item.revision, dates }],
        signal: ciDatesSignal,
        signalArgs: [{ revision: item.revision, dates }],
      });
    } catch {
      return false;
    }
    await em.nativeUpdate(ConfigurationItem, { id: item.id }, { remindersRevision: item.revision });
    item.remindersRevision = item.revision;
    return true;
  }
}

/**
 * Brings up to date the CIs whose reminder workflow was not told of their last change (Temporal
 * was unreachable then), a batch at a time, across organizations. Returns how many it told.
 */
export async function resyncReminders(orm: Orm, sync: ReminderSync, batch = 200): Promise<number> {
  const rows = await orm.em
    .fork()
    .getConnection()
    .execute<{ id: string; organization_id: string }[]>(
      `select id, organization_id from cmdb_items
        where (reminders_revision is not null or warranty_end is not null or support_end is not null or licence_expiry is not null)
          and reminders_revision is distinct from revision
        order by updated_at limit ?`,
      [batch],
    );
  let told = 0;
  for (const r of rows) {
    const em = orgEm(orm, r.organization_id);
    const item = await em.findOne(ConfigurationItem, { id: r.id });
    if (item && (await sync.sync(em, r.organization_id, item))) told++;
  }
  return told;
}

/** Runs `resyncReminders` now and every `everyMs` (5 minutes); returns the stop. */
export function startReminderSweep(
  deps: { orm: Orm; temporal: Client; log: Logger; taskQueue?: string | undefined },
  everyMs = 300_000,
): () => Promise<void> {
  const sync = new ReminderSync(deps.temporal, deps.taskQueue ?? TASK_QUEUE);
  let running: Promise<unknown> = Promise.resolve();
  // A large import leaves many rows behind: a tick takes batches until none is left (at most 50).
  const drain = async () => {
    let total = 0;
    for (let i = 0; i < 50; i++) {
      const n = await resyncReminders(deps.orm, sync);
      total += n;
      if (n < 200) break;
    }
    return total;
  };
  let busy = false;
  const tick = () => {
    if (busy) return; // the last tick is still draining
    busy = true;
    running = drain()
      .then((n) => n && deps.log.info({ told: n }, 'CI reminder workflows brought up to date'))
      .catch((err: unknown) => deps.log.warn({ err }, 'CI reminder sweep failed; it runs again later'))
      .finally(() => (busy = false));
  };
  tick();
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
