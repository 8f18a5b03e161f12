/** The CI reminder workflow's input, signal and query, shared by the API that signals it. */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { EndDate } from '../kernel/cmdb-reminders.js';

export interface CiRemindersInput {
  orgId: string;
  ciId: string;
  /** The CI's record revision these dates are of: an older signal never undoes a newer one. */
  revision: number;
  dates: EndDate[];
  /** Reminders sent or skipped (carried over continue-as-new). */
  done?: string[];
}

/** The CI's end dates changed (or it was retired: no dates). */
export const ciDatesSignal = defineSignal<[{ revision: number; dates: EndDate[] }]>('ciDates');
export const ciRemindersQuery = defineQuery<{
  revision: number;
  dates: EndDate[];
  done: string[];
  next: string | null;
}>('ciReminders');

/** One reminder workflow per CI. */
export const ciRemindersWorkflowId = (orgId: string, ciId: string) => `${orgId}/CI-REMINDERS-${ciId}`;
