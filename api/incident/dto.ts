/**
 * The public shape of an incident, from what is stored: the ORM entity of a single read, or a raw
 * row of a list page.
 */
import type { z } from 'zod';
import type { Incident } from '../../db/entities/index.js';
import { type IncidentSla, incidentKey } from '../../workflows/incident/messages.js';
import { allowedCommands, allowedTransitions } from '../../workflows/kernel/incident-lifecycle.js';
import { measuresOf } from '../../workflows/kernel/measures.js';
import type * as S from './schemas.js';
import { slaView } from '../platform/sla.js';

export type IncidentDto = z.infer<typeof S.Incident>;

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
const refId = (r: { id: string } | null | undefined) => r?.id ?? null;

/** An incident as stored, whichever way it was read (the ORM entity, or a raw row of a list). */
export interface StoredIncident {
  workflowId: string;
  number: number;
  title: string;
  description: string;
  status: Incident['status'];
  impact: Incident['impact'];
  urgency: Incident['urgency'];
  priority: Incident['priority'];
  category: string | null;
  assigneeId: string | null;
  teamId: string | null;
  requesterId: string;
  pendingReason: NonNullable<Incident['pendingReason']> | null;
  resolutionCode: NonNullable<Incident['resolutionCode']> | null;
  resolutionNotes: string | null;
  reopenCount: number;
  createdAt: Date;
  updatedAt: Date;
  resolvedAt: Date | null;
  closedAt: Date | null;
  autoCloseAt: Date | null;
  responseDueAt: Date | null;
  resolutionDueAt: Date | null;
  slaBreached: boolean;
  sla: IncidentSla | null;
  acknowledgedAt: Date | null;
  reassignmentCount: number;
  workaround: string | null;
  csatRating: number | null;
  csatComment: string | null;
  csatAt: Date | null;
  watcherIds: string[];
  ciIds: string[];
  revision: number;
}

function fromEntity(i: Incident): StoredIncident {
  return {
    workflowId: i.workflowId,
    number: i.number,
    title: i.title,
    description: i.description,
    status: i.status,
    impact: i.impact,
    urgency: i.urgency,
    priority: i.priority,
    category: i.category ?? null,
    assigneeId: refId(i.assignee),
    teamId: refId(i.team),
    requesterId: i.requester.id,
    pendingReason: i.pendingReason ?? null,
    resolutionCode: i.resolutionCode ?? null,
    resolutionNotes: i.resolutionNotes ?? null,
    reopenCount: i.reopenCount,
    createdAt: i.createdAt,
    updatedAt: i.updatedAt,
    resolvedAt: i.resolvedAt ?? null,
    closedAt: i.closedAt ?? null,
    autoCloseAt: i.autoCloseAt ?? null,
    responseDueAt: i.responseDueAt ?? null,
    resolutionDueAt: i.resolutionDueAt ?? null,
    slaBreached: i.slaBreached,
    sla: (i.sla as IncidentSla | null) ?? null,
    acknowledgedAt: i.acknowledgedAt ?? null,
    reassignmentCount: i.reassignmentCount,
    workaround: i.workaround ?? null,
    csatRating: i.csatRating ?? null,
    csatComment: i.csatComment ?? null,
    csatAt: i.csatAt ?? null,
    watcherIds: i.watcherIds ?? [],
    ciIds: i.ciIds ?? [],
    revision: i.revision,
  };
}

/**
 * A raw `incidents` row as StoredIncident: the queue reads a page without the ORM's hydration and
 * identity map, which cost more than the query itself at a desk's request rate.
 */
export function fromRow(r: Record<string, unknown>): StoredIncident {
  const date = (k: string) => (r[k] == null ? null : new Date(r[k] as string | Date));
  const text = (k: string) => (r[k] == null ? null : String(r[k]));
  return {
    workflowId: String(r['workflow_id']),
    number: Number(r['number']),
    title: String(r['title']),
    description: String(r['description']),
    status: r['status'] as Incident['status'],
    impact: r['impact'] as Incident['impact'],
    urgency: r['urgency'] as Incident['urgency'],
    priority: r['priority'] as Incident['priority'],
    category: text('category'),
    assigneeId: text('assignee_id'),
    teamId: text('team_id'),
    requesterId: String(r['requester_id']),
    pendingReason: text('pending_reason') as StoredIncident['pendingReason'],
    resolutionCode: text('resolution_code') as StoredIncident['resolutionCode'],
    resolutionNotes: text('resolution_notes'),
    reopenCount: Number(r['reopen_count']),
    createdAt: date('created_at')!,
    updatedAt: date('updated_at')!,
    resolvedAt: date('resolved_at'),
    closedAt: date('closed_at'),
    autoCloseAt: date('auto_close_at'),
    responseDueAt: date('response_due_at'),
    resolutionDueAt: date('resolution_due_at'),
    slaBreached: r['sla_breached'] === true,
    sla: (r['sla'] as IncidentSla | null) ?? null,
    acknowledgedAt: date('acknowledged_at'),
    reassignmentCount: Number(r['reassignment_count'] ?? 0),
    workaround: text('workaround'),
    csatRating: r['csat_rating'] == null ? null : Number(r['csat_rating']),
    csatComment: text('csat_comment'),
    csatAt: date('csat_at'),
    watcherIds: (r['watcher_ids'] as string[] | null) ?? [],
    ciIds: (r['ci_ids'] as string[] | null) ?? [],
    revision: Number(r['revision']),
  };
}

/** The public shape of a stored incident. */
export function dtoOf(i: StoredIncident): IncidentDto {
  return {
    key: incidentKey(i.number),
    number: i.number,
    workflowId: i.workflowId,
    title: i.title,
    description: i.description,
    status: i.status,
    impact: i.impact,
    urgency: i.urgency,
    priority: i.priority,
    category: i.category,
    assigneeId: i.assigneeId,
    teamId: i.teamId,
    requesterId: i.requesterId,
    pendingReason: i.pendingReason,
    resolutionCode: i.resolutionCode,
    resolutionNotes: i.resolutionNotes,
    reopenCount: i.reopenCount,
    createdAt: i.createdAt.toISOString(),
    updatedAt: i.updatedAt.toISOString(),
    resolvedAt: iso(i.resolvedAt),
    closedAt: iso(i.closedAt),
    autoCloseAt: iso(i.autoCloseAt),
    revision: i.revision,
    sla: slaView(i.sla),
    acknowledgedAt: iso(i.acknowledgedAt),
    workaround: i.workaround,
    measures: measuresOf({
      createdAt: i.createdAt.toISOString(),
      acknowledgedAt: iso(i.acknowledgedAt),
      resolvedAt: iso(i.resolvedAt),
      reassignmentCount: i.reassignmentCount,
      reopenCount: i.reopenCount,
      sla: i.sla,
    }),
    csat:
      i.csatRating != null && i.csatAt && i.resolvedAt
        ? {
            rating: i.csatRating,
            comment: i.csatComment,
            at: i.csatAt.toISOString(),
            resolvedAt: i.resolvedAt.toISOString(),
          }
        : null,
    allowedTransitions: [...allowedTransitions(i.status)],
    allowedCommands: allowedCommands(i.status),
    watcherIds: i.watcherIds,
    ciIds: i.ciIds,
  };
}

/** The public shape of a stored incident read through the ORM. */
export const toDto = (i: Incident): IncidentDto => dtoOf(fromEntity(i));
