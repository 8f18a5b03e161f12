/**
 * Read models of service request workflows: the request row, one row per approver asked at each
 * approval step (the approvals inbox reads these), and one per fulfilment task (the team's
 * queue). Written only by the request projection activity; rows only move forward in revision.
 */
import { defineEntity, p } from '@mikro-orm/core';
import { APPROVER_STATES } from '../../../workflows/kernel/approval.js';
import { REQUEST_STATUSES } from '../../../workflows/request/messages.js';
import { Organization } from '../kernel/organization.js';
import { Team } from '../kernel/team.js';
import { User } from '../kernel/user.js';
import { CatalogItem } from './catalog.js';

export const ServiceRequestSchema = defineEntity({
  name: 'ServiceRequest',
  tableName: 'requests',
  uniques: [{ properties: ['organization', 'number'] }],
  indexes: [
    { properties: ['organization', 'requester'] },
    { properties: ['organization', 'status'] },
    { properties: ['organization', 'updatedAt'] },
  ],
  properties: {
    workflowId: p.string().length(80).primary(),
    organization: () => p.manyToOne(Organization),
    number: p.integer(),
    item: () => p.manyToOne(CatalogItem),
    title: p.string().length(200),
    requester: () => p.manyToOne(User),
    status: p.enum(REQUEST_STATUSES),
    flowId: p.uuid().nullable(),
    flowVersion: p.integer().nullable(),
    answers: p.json<Record<string, unknown>>(),
    /** The steps of the run as the workflow last published them (the approval path). */
    steps: p.json<unknown[]>(),
    outcomeReason: p.string().length(80).nullable(),
    sla: p.json<Record<string, unknown>>().nullable(),
    resolutionDueAt: p.datetime().nullable(),
    csatRating: p.smallint().nullable(),
    csatComment: p.text().nullable(),
    csatAt: p.datetime().nullable(),
    ratingUntil: p.datetime().nullable(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
    closedAt: p.datetime().nullable(),
    /** The configuration items the request is about (its form's CI answers), as CI ids. */
    ciIds: p.json<string[]>().nullable(),
    revision: p.integer(),
  },
});
export class ServiceRequest extends ServiceRequestSchema.class {}
ServiceRequestSchema.setClass(ServiceRequest);

/** One person asked at one approval step of a request. */
export const RequestApprovalSchema = defineEntity({
  name: 'RequestApproval',
  tableName: 'request_approvals',
  indexes: [{ properties: ['organization', 'user', 'state'] }],
  properties: {
    requestWorkflowId: p.string().length(80).primary(),
    stepId: p.string().length(60).primary(),
    user: () => p.manyToOne(User).primary(),
    organization: () => p.manyToOne(Organization),
    stepLabel: p.string().length(120).nullable(),
    onBehalfOf: () => p.manyToOne(User).nullable(),
    state: p.enum(APPROVER_STATES),
    askedAt: p.datetime(),
    decidedAt: p.datetime().nullable(),
    comment: p.text().nullable(),
    deadlineAt: p.datetime().nullable(),
    revision: p.integer(),
  },
});
export class RequestApproval extends RequestApprovalSchema.class {}
RequestApprovalSchema.setClass(RequestApproval);

export const REQUEST_TASK_STATES = ['open', 'done', 'withdrawn'] as const;

/** A fulfilment task of a request, in its team's queue. */
export const RequestTaskSchema = defineEntity({
  name: 'RequestTask',
  tableName: 'request_tasks',
  indexes: [{ properties: ['organization', 'team', 'state'] }],
  properties: {
    requestWorkflowId: p.string().length(80).primary(),
    stepId: p.string().length(60).primary(),
    organization: () => p.manyToOne(Organization),
    team: () => p.manyToOne(Team),
    title: p.string().length(200),
    state: p.enum(REQUEST_TASK_STATES),
    openedAt: p.datetime(),
    dueAt: p.datetime().nullable(),
    doneAt: p.datetime().nullable(),
    doneBy: () => p.manyToOne(User).nullable(),
    note: p.text().nullable(),
    revision: p.integer(),
  },
});
export class RequestTask extends RequestTaskSchema.class {}
RequestTaskSchema.setClass(RequestTask);
