/**
 * Projection writes: the incident row, its timeline event and the in-app notifications it causes
 * land together, idempotently.
 * A retried activity, or a replay after a crash, changes nothing twice: the row only moves forward
 * in revision, and an event is unique per (incident, revision).
 */
import type { Em } from '../db/orm.js';
import type { IncidentSnapshot, TimelineEvent } from '../workflows/incident-messages.js';
import { writeInbox } from './inbox.js';

export interface PersistIncidentInput {
  snapshot: IncidentSnapshot;
  event: TimelineEvent;
}

/** Consecutive revisions stored together (group commit): each event with the snapshot it made. */
export interface PersistIncidentStepsInput {
  steps: PersistIncidentInput[];
}

/** The incident row's columns as the projection writes them (the stored search words are derived). */
export const INCIDENT_COLUMNS = [
  'workflow_id',
  'organization_id',
  'number',
  'title',
  'description',
  'status',
  'impact',
  'urgency',
  'priority',
  'category',
  'assignee_id',
  'team_id',
  'requester_id',
  'pending_reason',
  'resolution_code',
  'resolution_notes',
  'reopen_count',
  'created_at',
  'updated_at',
  'resolved_at',
  'closed_at',
  'auto_close_at',
  'sla',
  'response_due_at',
  'resolution_due_at',
  'sla_breached',
  'acknowledged_at',
  'reassignment_count',
  'workaround',
  'csat_rating',
  'csat_comment',
  'csat_at',
  'watcher_ids',
  'revision',
] as const;

const UPSERT_INCIDENT = `
insert into incidents (${INCIDENT_COLUMNS.join(', ')})
values (${INCIDENT_COLUMNS.map(() => '?').join(', ')})
on conflict (workflow_id) do update set
${INCIDENT_COLUMNS.filter((c) => c !== 'workflow_id' && c !== 'organization_id' && c !== 'number')
  .map((c) => `  ${c} = excluded.${c}`)
  .join(',\n')}
where incidents.revision < excluded.revision`;

const INSERT_EVENT = `
insert into incident_events (organization_id, incident_workflow_id, revision, type, actor_id, actor_kind, at, data)
values (?, ?, ?, ?, ?, ?, ?, ?)
on conflict (incident_workflow_id, revision) do nothing`;

function incidentParams(s: IncidentSnapshot): unknown[] {
  return [
    s.workflowId,
    s.orgId,
    s.number,
    s.title,
    s.description,
    s.status,
    s.impact,
    s.urgency,
    s.priority,
    s.category,
    s.assigneeId,
    s.teamId,
    s.requesterId,
    s.pendingReason,
    s.resolutionCode,
    s.resolutionNotes,
    s.reopenCount,
    new Date(s.createdAt),
    new Date(s.updatedAt),
    s.resolvedAt ? new Date(s.resolvedAt) : null,
    s.closedAt ? new Date(s.closedAt) : null,
    s.autoCloseAt ? new Date(s.autoCloseAt) : null,
    s.sla ? JSON.stringify(s.sla) : null,
    s.sla?.response.dueAt ? new Date(s.sla.response.dueAt) : null,
    s.sla?.resolution.dueAt ? new Date(s.sla.resolution.dueAt) : null,
    !!(s.sla?.response.breachedAt || s.sla?.resolution.breachedAt),
    s.acknowledgedAt ? new Date(s.acknowledgedAt) : null,
    s.reassignmentCount ?? 0,
    s.workaround ?? null,
    s.csat?.rating ?? null,
    s.csat?.comment ?? null,
    s.csat ? new Date(s.csat.at) : null,
    s.watcherIds?.length ? JSON.stringify(s.watcherIds) : null,
    s.revision,
  ];
}

/** Writes the incident row (if newer) and its timeline event (if new) in one transaction. */
export async function persistIncidentProjection(em: Em, input: PersistIncidentInput): Promise<void> {
  await persistIncidentSteps(em, { steps: [input] });
}

/**
 * Writes a run of revisions in one transaction: the row as the newest step left it, and every
 * step's event and notifications (recipients as of that step's snapshot).
 */
export async function persistIncidentSteps(em: Em, input: PersistIncidentStepsInput): Promise<void> {
  const last = input.steps.at(-1);
  if (!last) return;
  await em.transactional(async (tx) => {
    await tx.execute(UPSERT_INCIDENT, incidentParams(last.snapshot), 'run');
    for (const { snapshot: s, event: e } of input.steps) {
      await tx.execute(
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
    }
  });
}
