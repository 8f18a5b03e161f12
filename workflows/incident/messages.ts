/**
 * The incident workflow's contract: start arguments, updates, queries and the snapshot type.
 * The API imports these definitions rather than repeating names.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { IncidentStatus, PendingReason, ResolutionCode, TransitionRequest } from '../kernel/incident-lifecycle.js';
import type { Level, Priority, PriorityMatrix } from '../kernel/priority.js';
import type { SlaPolicySnapshot } from '../kernel/sla.js';
import type { IncidentMeasures } from '../kernel/measures.js';
import type { Actor, Expiring, Guarded, TicketEvent } from '../runtime/ticket-runtime.js';
import type { TicketSla } from '../runtime/sla-clocks.js';
import { TICKET_TYPES, ticketKey, ticketWorkflowId } from '../kernel/ticket-types.js';

export { ORG_SEARCH_ATTRIBUTE, REJECTIONS, type RejectionType, TASK_QUEUE } from '../runtime/contract.js';
export const INCIDENT_PREFIX = TICKET_TYPES.incident.prefix;

/** The key people use for an incident, e.g. INC-42 (unique within an organization). */
export function incidentKey(number: number): string {
  return ticketKey('incident', number);
}

/** Workflow id of an incident: `<org slug>/INC-<number>` (DESIGN rule 5). */
export function incidentWorkflowId(orgSlug: string, number: number): string {
  return ticketWorkflowId(orgSlug, 'incident', number);
}

/** The per-organization number in an incident workflow id. */
export function incidentNumberOf(workflowId: string): number {
  return Number(workflowId.slice(workflowId.lastIndexOf(`${INCIDENT_PREFIX}-`) + INCIDENT_PREFIX.length + 1));
}

export type { Actor, Expiring, Guarded };

export interface CsatRating {
  rating: number;
  comment: string | null;
  at: string;
  /** The resolution it rates (a reopen and a new resolve ask again). */
  resolvedAt: string;
}

/** The incident's SLA: the policy version it started under and its two clocks. */
export type IncidentSla = TicketSla;
export type { EscalationTaken } from '../runtime/sla-clocks.js';

export interface IncidentSnapshot {
  workflowId: string;
  orgId: string;
  number: number;
  key: string;
  title: string;
  description: string;
  status: IncidentStatus;
  impact: Level;
  urgency: Level;
  priority: Priority;
  category: string | null;
  assigneeId: string | null;
  teamId: string | null;
  requesterId: string;
  pendingReason: PendingReason | null;
  resolutionCode: ResolutionCode | null;
  resolutionNotes: string | null;
  reopenCount: number;
  createdAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  closedAt: string | null;
  autoCloseAt: string | null;
  /** Null for incidents started before SLAs existed, or without a matching policy. */
  sla?: IncidentSla | null;
  /** The organization's impact × urgency matrix when the incident was raised (default if absent). */
  priorityMatrix?: PriorityMatrix;
  /** First acknowledgement by the service desk (moved to in progress, or resolved). */
  acknowledgedAt?: string | null;
  reassignmentCount?: number;
  workaround?: string | null;
  /** The requester's rating of the current resolution. */
  csat?: CsatRating | null;
  measures?: IncidentMeasures;
  /** People who follow the incident (told of its changes in the app). */
  watcherIds?: string[];
  /** The configuration items (services among them) the incident affects. */
  ciIds?: string[];
  revision: number;
}

export type TimelineEventType =
  | 'created'
  | 'assigned'
  | 'status_changed'
  | 'comment'
  | 'work_note'
  | 'priority_changed'
  | 'sla_escalated'
  | 'workaround'
  | 'csat'
  | 'edited'
  | 'watchers';

/** One timeline entry; `revision` is the incident revision the change produced. */
export type TimelineEvent = TicketEvent<TimelineEventType>;

export interface NewIncident {
  orgId: string;
  orgSlug: string;
  number: number;
  title: string;
  description: string;
  impact: Level;
  urgency: Level;
  category: string | null;
  requesterId: string;
  assigneeId: string | null;
  teamId: string | null;
  /** Affected configuration items (checked by the API: in the organization, not disposed). */
  ciIds?: string[];
  createdBy: Actor;
  autoCloseAfterMs: number;
  /** The SLA policy version in force when the incident was raised (fixed for its life). */
  sla?: SlaPolicySnapshot | null;
  priorityMatrix?: PriorityMatrix;
  /** Creation is abandoned when no worker starts the workflow before this (epoch ms). */
  notAfter?: number;
}

/** Start input: a new incident, or the carried state after continue-as-new. */
export type IncidentWorkflowInput =
  { kind: 'new'; incident: NewIncident } | { kind: 'continued'; snapshot: IncidentSnapshot; autoCloseAfterMs: number };

export type TransitionCommand = TransitionRequest & Guarded;
export interface AssignCommand extends Guarded {
  assigneeId: string | null;
  teamId: string | null;
}
export interface PriorityCommand extends Guarded {
  impact?: Level | undefined;
  urgency?: Level | undefined;
  reason?: string | undefined;
}
export interface WorkaroundCommand extends Guarded {
  text: string;
}
/** A rating from the signed link sent to the requester (no sign-in). */
export interface RateCommand extends Expiring {
  rating: number;
  comment: string | null;
  resolvedAt: string;
  actor: Actor;
}
/** Changes to what the incident is about; only the fields sent change. */
export interface EditCommand extends Guarded {
  title?: string | undefined;
  description?: string | undefined;
  category?: string | null | undefined;
  impact?: Level | undefined;
  urgency?: Level | undefined;
  teamId?: string | null | undefined;
  /** The affected configuration items, as the whole new list. */
  ciIds?: string[] | undefined;
}
/** Starts or stops someone following the incident. */
export interface WatchCommand extends Guarded {
  userId: string;
  watching: boolean;
}
export interface CommentCommand extends Guarded {
  body: string;
  internal: boolean;
}

export const openUpdate = defineUpdate<IncidentSnapshot>('open');
export const transitionUpdate = defineUpdate<IncidentSnapshot, [TransitionCommand]>('transition');
export const assignUpdate = defineUpdate<IncidentSnapshot, [AssignCommand]>('assign');
export const commentUpdate = defineUpdate<IncidentSnapshot, [CommentCommand]>('comment');
export const priorityUpdate = defineUpdate<IncidentSnapshot, [PriorityCommand]>('priority');
export const workaroundUpdate = defineUpdate<IncidentSnapshot, [WorkaroundCommand]>('workaround');
export const rateUpdate = defineUpdate<IncidentSnapshot, [RateCommand]>('rate');
export const editUpdate = defineUpdate<IncidentSnapshot, [EditCommand]>('edit');
export const watchUpdate = defineUpdate<IncidentSnapshot, [WatchCommand]>('watch');
export const stateQuery = defineQuery<IncidentSnapshot>('state');
