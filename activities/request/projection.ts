/**
 * The service request's projection: its row, its timeline events (the kernel's writer), and per
 * revision the rows of the approvers asked and of the fulfilment tasks — the approvals inbox and
 * the team queues read those. Child rows only move forward in revision, so a retried or late
 * write never brings back a task that left an inbox.
 */
import type { Em } from '../../db/orm.js';
import type { RequestEvent, RequestSnapshot } from '../../workflows/request/messages.js';
import { defineProjection } from '../kernel/projection.js';

export interface PersistRequestStepsInput {
  steps: { snapshot: RequestSnapshot; event: RequestEvent }[];
}

const REQUEST_ROW = {
  workflow_id: (s) => s.workflowId,
  organization_id: (s) => s.orgId,
  number: (s) => s.number,
  item_id: (s) => s.itemId,
  title: (s) => s.title,
  requester_id: (s) => s.requesterId,
  status: (s) => s.status,
  flow_id: (s) => s.flowId,
  flow_version: (s) => s.flowVersion,
  answers: (s) => JSON.stringify(s.answers),
  steps: (s) => JSON.stringify(s.run.steps),
  outcome_reason: (s) => s.run.outcomeReason,
  sla: (s) => (s.sla ? JSON.stringify(s.sla) : null),
  resolution_due_at: (s) => (s.sla?.resolution.dueAt ? new Date(s.sla.resolution.dueAt) : null),
  csat_rating: (s) => s.csat?.rating ?? null,
  csat_comment: (s) => s.csat?.comment ?? null,
  csat_at: (s) => (s.csat ? new Date(s.csat.at) : null),
  rating_until: (s) => (s.ratingUntil ? new Date(s.ratingUntil) : null),
  created_at: (s) => new Date(s.createdAt),
  updated_at: (s) => new Date(s.updatedAt),
  closed_at: (s) => (s.closedAt ? new Date(s.closedAt) : null),
  ci_ids: (s) => (s.ciIds?.length ? JSON.stringify(s.ciIds) : null),
  revision: (s) => s.revision,
} satisfies Record<string, (s: RequestSnapshot) => unknown>;

const REQUESTS = defineProjection({
  table: 'requests',
  type: 'REQ',
  row: REQUEST_ROW,
  fixed: ['organization_id', 'number', 'item_id', 'requester_id', 'created_at', 'flow_id', 'flow_version'],
});

const UPSERT_APPROVAL = `
insert into request_approvals (request_workflow_id, step_id, user_id, organization_id, step_label, on_behalf_of_id, state, asked_at, decided_at, comment, deadline_at, revision)
values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
on conflict (request_workflow_id, step_id, user_id) do update set
  step_label = excluded.step_label, on_behalf_of_id = excluded.on_behalf_of_id, state = excluded.state,
  decided_at = excluded.decided_at, comment = excluded.comment, deadline_at = excluded.deadline_at, revision = excluded.revision
where request_approvals.revision < excluded.revision`;

const UPSERT_TASK = `
insert into request_tasks (request_workflow_id, step_id, organization_id, team_id, title, state, opened_at, due_at, done_at, done_by_id, note, revision)
values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
on conflict (request_workflow_id, step_id) do update set
  state = excluded.state, due_at = excluded.due_at, done_at = excluded.done_at, done_by_id = excluded.done_by_id,
  note = excluded.note, revision = excluded.revision
where request_tasks.revision < excluded.revision`;

const date = (v: string | null) => (v ? new Date(v) : null);

/** The approver and task rows of the newest snapshot (each only moves forward in revision). */
async function writeChildren(tx: Em, s: RequestSnapshot): Promise<void> {
  for (const step of s.run.steps) {
    if (step.kind === 'approval') {
      for (const a of step.approvers) {
        await tx.execute(
          UPSERT_APPROVAL,
          [
            s.workflowId,
            step.id,
            a.userId,
            s.orgId,
            step.label,
            a.onBehalfOf,
            a.state,
            new Date(a.askedAt),
            date(a.at),
            a.comment,
            date(step.deadlineAt),
            s.revision,
          ],
          'run',
        );
      }
    }
    if (step.kind === 'task' && step.teamId) {
      const state = step.status === 'done' ? 'done' : step.status === 'withdrawn' ? 'withdrawn' : 'open';
      await tx.execute(
        UPSERT_TASK,
        [
          s.workflowId,
          step.id,
          s.orgId,
          step.teamId,
          step.title ?? step.id,
          state,
          new Date(step.openedAt),
          date(step.dueAt),
          date(step.closedAt && state === 'done' ? step.closedAt : null),
          step.doneBy && step.doneBy !== 'system' ? step.doneBy : null,
          step.note,
          s.revision,
        ],
        'run',
      );
    }
  }
}

export async function persistRequestSteps(em: Em, input: PersistRequestStepsInput): Promise<void> {
  const last = input.steps.at(-1);
  await REQUESTS.persist(em, input.steps, async (tx, step) => {
    if (step === last) await writeChildren(tx, step.snapshot);
  });
}
