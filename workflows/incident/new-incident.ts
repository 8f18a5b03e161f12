/** The state of a just-raised incident, from the API's start arguments. */
import { workflowInfo } from '@temporalio/workflow';
import { priorityFor } from '../kernel/priority.js';
import { type IncidentSnapshot, type NewIncident, incidentKey } from './messages.js';
import { startSla } from './sla.js';

export function newSnapshot(input: NewIncident): IncidentSnapshot {
  const now = new Date().toISOString();
  const priority = priorityFor(input.impact, input.urgency, input.priorityMatrix);
  return {
    workflowId: workflowInfo().workflowId,
    orgId: input.orgId,
    number: input.number,
    key: incidentKey(input.number),
    title: input.title,
    description: input.description,
    status: input.assigneeId ? 'assigned' : 'new',
    impact: input.impact,
    urgency: input.urgency,
    priority,
    category: input.category,
    assigneeId: input.assigneeId,
    teamId: input.teamId,
    requesterId: input.requesterId,
    pendingReason: null,
    resolutionCode: null,
    resolutionNotes: null,
    reopenCount: 0,
    createdAt: now,
    updatedAt: now,
    resolvedAt: null,
    closedAt: null,
    autoCloseAt: null,
    sla: input.sla ? startSla(input.sla, priority, Date.parse(now)) : null,
    ...(input.priorityMatrix ? { priorityMatrix: input.priorityMatrix } : {}),
    ...(input.ciIds?.length ? { ciIds: input.ciIds } : {}),
    revision: 1,
  };
}
