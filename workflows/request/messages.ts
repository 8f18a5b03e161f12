/**
 * The service request workflow's contract: start arguments, updates, the query and the snapshot.
 * A request is the kernel's second ticket type (`REQ-<n>`); the API imports these definitions.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { VoteDecision } from '../kernel/approval.js';
import type { Answers } from '../kernel/form.js';
import type { SlaPolicySnapshot } from '../kernel/sla.js';
import { ticketKey } from '../kernel/ticket-types.js';
import type { TicketSla } from '../runtime/sla-clocks.js';
import type { Actor, Expiring, TicketEvent } from '../runtime/ticket-runtime.js';
import type { FlowRun, RequestStep, RunContext } from './engine.js';

export const REQUEST_STATUSES = [
  'submitted',
  'pending_approval',
  'approved',
  'rejected',
  'in_progress',
  'completed',
  'cancelled',
] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];
export const TERMINAL_REQUEST_STATUSES: readonly RequestStatus[] = ['rejected', 'completed', 'cancelled'];

export function requestKey(number: number): string {
  return ticketKey('request', number);
}

export interface RequestCsat {
  rating: number;
  comment: string | null;
  at: string;
}

export interface RequestSnapshot {
  workflowId: string;
  orgId: string;
  number: number;
  key: string;
  itemId: string;
  /** The item's name when ordered (the request's title). */
  title: string;
  requesterId: string;
  /** Who placed the order (the requester, or an agent on their behalf). */
  createdBy: string | null;
  /** The answers as submitted (visible fields only). */
  answers: Answers;
  flowId: string | null;
  flowVersion: number | null;
  /** What the run reads: the flow snapshot, the requester's teams, calendars, the fulfilment. */
  context: RunContext;
  run: FlowRun;
  status: RequestStatus;
  sla: TicketSla | null;
  csat: RequestCsat | null;
  createdAt: string;
  updatedAt: string;
  /** When the request reached its outcome (completed, rejected or cancelled). */
  closedAt: string | null;
  /** Until when the requester may rate a completed request. */
  ratingUntil: string | null;
  /** The configuration items the request is about (its form's CI answers). */
  ciIds?: string[];
  revision: number;
}

export type RequestEventType =
  | 'submitted'
  | 'approvers_asked'
  | 'vote'
  | 'deadline'
  | 'substitute'
  | 'task_done'
  | 'wait_over'
  | 'webhook'
  | 'cancelled'
  | 'comment'
  | 'work_note'
  | 'csat';
export type RequestEvent = TicketEvent<RequestEventType>;

export interface NewRequest {
  orgId: string;
  number: number;
  itemId: string;
  title: string;
  requesterId: string;
  createdBy: Actor;
  answers: Answers;
  flowId: string | null;
  flowVersion: number | null;
  context: RunContext;
  /** The item's SLA policy, when it has one: the request's clocks. */
  slaPolicy: SlaPolicySnapshot | null;
  /** How long a completed request can be rated. */
  ratingWindowMs: number;
  /** The configuration items its answers name (checked by the API). */
  ciIds?: string[];
  notAfter?: number | undefined;
}

export type RequestWorkflowInput =
  { kind: 'new'; request: NewRequest } | { kind: 'continued'; snapshot: RequestSnapshot; ratingWindowMs: number };

export interface VoteCommand extends Expiring {
  actor: Actor;
  stepId: string;
  decision: VoteDecision;
  comment: string | null;
  /** `link` when the vote came from an e-mailed approval link. */
  channel: 'app' | 'link' | 'api';
}
export interface TaskCommand extends Expiring {
  actor: Actor;
  stepId: string;
  note: string | null;
}
export interface CancelCommand extends Expiring {
  actor: Actor;
  reason: string | null;
}
export interface RequestCommentCommand extends Expiring {
  actor: Actor;
  body: string;
  internal: boolean;
}
export interface RequestRateCommand extends Expiring {
  actor: Actor;
  rating: number;
  comment: string | null;
}

export const openRequestUpdate = defineUpdate<RequestSnapshot>('request.open');
export const voteUpdate = defineUpdate<RequestSnapshot, [VoteCommand]>('request.vote');
export const taskUpdate = defineUpdate<RequestSnapshot, [TaskCommand]>('request.task');
export const cancelRequestUpdate = defineUpdate<RequestSnapshot, [CancelCommand]>('request.cancel');
export const requestCommentUpdate = defineUpdate<RequestSnapshot, [RequestCommentCommand]>('request.comment');
export const rateRequestUpdate = defineUpdate<RequestSnapshot, [RequestRateCommand]>('request.rate');
export const requestStateQuery = defineQuery<RequestSnapshot>('request.state');

/** What a request's status is, from its run: the outcome, else the kind of step it waits at. */
export function statusOf(run: FlowRun): RequestStatus {
  if (run.outcome) return run.outcome;
  const open = run.steps.filter((s) => s.status === 'open' || s.status === 'resolving');
  if (open.some((s) => s.kind === 'approval')) return 'pending_approval';
  if (open.some((s) => s.kind === 'task')) return 'in_progress';
  if (run.steps.some((s) => s.kind === 'approval' && s.status === 'approved')) return 'approved';
  return 'submitted';
}

export type { RequestStep };
