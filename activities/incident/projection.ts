/**
 * Projection writes: the incident row, its timeline event and the in-app notifications it causes
 * land together, idempotently.
 * A retried activity, or a replay after a crash, changes nothing twice: the row only moves forward
 * in revision, and an event is unique per (incident, revision).
 */
import type { Em } from '../../db/orm.js';
import type { IncidentSnapshot, TimelineEvent } from '../../workflows/incident/messages.js';
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
 * The incident row as the projection writes it: each column with the value it takes from the
 * snapshot, declared together so a value cannot slip into another column (the stored search words
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
  revision: (s) => s.revision,
} satisfies Record<string, (s: IncidentSnapshot) => unknown>;

/** The incident row's columns, in the order of INCIDENT_ROW. */
export const INCIDENT_COLUMNS = Object.keys(INCIDENT_ROW) as (keyof typeof INCIDENT_ROW)[];
/** Set when the row is first written, never changed by a later revision. */
const FIXED_COLUMNS: readonly string[] = ['workflow_id', 'organization_id', 'number'];

const UPSERT_INCIDENT = `
insert into incidents (${INCIDENT_COLUMNS.join(', ')})
values (${INCIDENT_COLUMNS.map(() => '?').join(', ')})
on conflict (workflow_id) do update set
${INCIDENT_COLUMNS.filter((c) => !FIXED_COLUMNS.includes(c))
  .map((c) => `  ${c} = excluded.${c}`)
  .join(',\n')}
where incidents.revision < excluded.revision`;

const INSERT_EVENT = `
insert into ticket_events (organization_id, ticket_type, ticket_workflow_id, revision, type, actor_id, actor_kind, at, data)
values (?, 'INC', ?, ?, ?, ?, ?, ?, ?)
on conflict (ticket_workflow_id, revision) do nothing`;

function incidentParams(s: IncidentSnapshot): unknown[] {
  return INCIDENT_COLUMNS.map((c) => INCIDENT_ROW[c](s));
}

/**
 * Writes a run of revisions in one transaction: the row as the newest step left it, and every
 * step's event and notifications (recipients as of that step's snapshot). Mail to the requester is
 * queued only with an event written now, so a retried write queues none again.
 */
export async function persistIncidentSteps(
  em: Em,
  input: PersistIncidentStepsInput,
  /** Base of the links in requester mail. */
  publicUrl: string,
): Promise<void> {
  const last = input.steps.at(-1);
  if (!last) return;
  await em.transactional(async (tx) => {
    await tx.execute(UPSERT_INCIDENT, incidentParams(last.snapshot), 'run');
    for (const { snapshot: s, event: e } of input.steps) {
      const written = await tx.execute<{ affectedRows: number }>(
        INSERT_EVENT,
        [
          s.orgId,
          s.workflowId,
          e.revision,
          e.type,
          e.actor.userId,
          e.actor.kind,
          new Date(e.at),
          JSON.stringify(e.data),
        ],
        'run',
      );
      await writeInbox(tx, s, e);
      if (written.affectedRows > 0) await queueRequesterMail(tx, s, e, publicUrl);
    }
  });
}
