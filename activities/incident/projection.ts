/**
 * The incident's projection: its row (one column map), its timeline events, and the in-app
 * notifications and requester mail each revision causes, written together and idempotently by
 * the kernel's projection writer.
 */
import type { Em } from '../../db/orm.js';
import type { IncidentSnapshot, TimelineEvent } from '../../workflows/incident/messages.js';
import { defineProjection } from '../kernel/projection.js';
import { writeInbox } from './inbox.js';
import { queueRequesterMail } from './requester-mail.js';

export interface PersistIncidentInput {
  snapshot: IncidentSnapshot;
  event: TimelineEvent;
}

/** Consecutive revisions stored together (group commit): each event with the snapshot it made. */
export interface PersistIncidentStepsInput {
  steps: PersistIncidentInput[];
}

/**
 * The incident row: each column with the value it takes from the snapshot (the stored search words
 * and next due time are derived by the table).
 */
const INCIDENT_ROW = {
  workflow_id: (s) => s.workflowId,
  organization_id: (s) => s.orgId,
  number: (s) => s.number,
  title: (s) => s.title,
  description: (s) => s.description,
  status: (s) => s.status,
  impact: (s) => s.impact,
  urgency: (s) => s.urgency,
  priority: (s) => s.priority,
  category: (s) => s.category,
  assignee_id: (s) => s.assigneeId,
  team_id: (s) => s.teamId,
  requester_id: (s) => s.requesterId,
  pending_reason: (s) => s.pendingReason,
  resolution_code: (s) => s.resolutionCode,
  resolution_notes: (s) => s.resolutionNotes,
  reopen_count: (s) => s.reopenCount,
  created_at: (s) => new Date(s.createdAt),
  updated_at: (s) => new Date(s.updatedAt),
  resolved_at: (s) => (s.resolvedAt ? new Date(s.resolvedAt) : null),
  closed_at: (s) => (s.closedAt ? new Date(s.closedAt) : null),
  auto_close_at: (s) => (s.autoCloseAt ? new Date(s.autoCloseAt) : null),
  sla: (s) => (s.sla ? JSON.stringify(s.sla) : null),
  response_due_at: (s) => (s.sla?.response.dueAt ? new Date(s.sla.response.dueAt) : null),
  resolution_due_at: (s) => (s.sla?.resolution.dueAt ? new Date(s.sla.resolution.dueAt) : null),
  sla_breached: (s) => !!(s.sla?.response.breachedAt || s.sla?.resolution.breachedAt),
  acknowledged_at: (s) => (s.acknowledgedAt ? new Date(s.acknowledgedAt) : null),
  reassignment_count: (s) => s.reassignmentCount ?? 0,
  workaround: (s) => s.workaround ?? null,
  csat_rating: (s) => s.csat?.rating ?? null,
  csat_comment: (s) => s.csat?.comment ?? null,
  csat_at: (s) => (s.csat ? new Date(s.csat.at) : null),
  watcher_ids: (s) => (s.watcherIds?.length ? JSON.stringify(s.watcherIds) : null),
  ci_ids: (s) => (s.ciIds?.length ? JSON.stringify(s.ciIds) : null),
  revision: (s) => s.revision,
} satisfies Record<string, (s: IncidentSnapshot) => unknown>;

const INCIDENTS = defineProjection({
  table: 'incidents',
  type: 'INC',
  row: INCIDENT_ROW,
  fixed: ['organization_id', 'number'],
});

/** The incident row's columns, in the order of INCIDENT_ROW. */
export const INCIDENT_COLUMNS = INCIDENTS.columns;

/**
 * Writes a run of revisions in one transaction (activities/kernel/projection.ts): the row as the
 * newest step left it, and every step's event and notifications (recipients as of that step's
 * snapshot). Mail to the requester is queued only with an event written now, so a retried write
 * queues none again.
 */
export async function persistIncidentSteps(
  em: Em,
  input: PersistIncidentStepsInput,
  /** Base of the links in requester mail. */
  publicUrl: string,
): Promise<void> {
  await INCIDENTS.persist(em, input.steps, async (tx, { snapshot, event }, written) => {
    await writeInbox(tx, snapshot, event);
    if (written) await queueRequesterMail(tx, snapshot, event, publicUrl);
  });
}
