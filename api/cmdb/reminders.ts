/**
 * Keeps each CI's reminder workflow told of its end dates: after a change is stored, the workflow
 * is signalled (started if it is not running) with the dates and the record's revision, and the
 * revision it was told is noted on the row. A signal that fails leaves the row behind
 * (`reminders_revision` < `revision`) for the next change — or a sweep — to bring up to date.
 */
import type { Client } from '@temporalio/client';
import { ConfigurationItem } from '../../db/entities/index.js';
import type { Em } from '../../db/orm.js';
import { ciDatesSignal, ciRemindersWorkflowId } from '../../workflows/cmdb/messages.js';
import { EXPIRY_DATES } from '../../workflows/kernel/cmdb-items.js';
import type { EndDate } from '../../workflows/kernel/cmdb-reminders.js';

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
