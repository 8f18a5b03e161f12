import { defineEntity, p } from '@mikro-orm/core';
import { INCIDENT_STATUSES, PENDING_REASONS, RESOLUTION_CODES } from '../../../workflows/kernel/incident-lifecycle.js';
import { LEVELS, PRIORITIES } from '../../../workflows/kernel/priority.js';
import { Organization } from '../kernel/organization.js';
import { Team } from '../kernel/team.js';
import { User } from '../kernel/user.js';

/**
 * Read model of an incident workflow. Written only by the projection activity; the workflow id is
 * the primary key and `revision` orders writes.
 */
export const IncidentSchema = defineEntity({
  name: 'Incident',
  tableName: 'incidents',
  uniques: [{ properties: ['organization', 'number'] }],
  indexes: [
    { properties: ['organization', 'status'] },
    { properties: ['organization', 'priority'] },
    { properties: ['organization', 'assignee'] },
    { properties: ['organization', 'team'] },
    { properties: ['organization', 'createdAt'] },
    { properties: ['organization', 'resolutionDueAt'] },
    // The live change feed polls each organization's recent changes every second.
    { properties: ['organization', 'updatedAt'] },
  ],
  properties: {
    workflowId: p.string().length(80).primary(),
    organization: () => p.manyToOne(Organization),
    number: p.integer(),
    title: p.string().length(200),
    description: p.text(),
    status: p.enum(INCIDENT_STATUSES),
    impact: p.enum(LEVELS),
    urgency: p.enum(LEVELS),
    priority: p.enum(PRIORITIES),
    category: p.string().length(80).nullable(),
    assignee: () => p.manyToOne(User).nullable(),
    team: () => p.manyToOne(Team).nullable(),
    requester: () => p.manyToOne(User),
    pendingReason: p.enum(PENDING_REASONS).nullable(),
    resolutionCode: p.enum(RESOLUTION_CODES).nullable(),
    resolutionNotes: p.text().nullable(),
    reopenCount: p.integer().default(0),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
    resolvedAt: p.datetime().nullable(),
    closedAt: p.datetime().nullable(),
    autoCloseAt: p.datetime().nullable(),
    // SLA as the workflow last published it; due times are columns so queues can sort by them.
    sla: p.json<Record<string, unknown>>().nullable(),
    responseDueAt: p.datetime().nullable(),
    resolutionDueAt: p.datetime().nullable(),
    slaBreached: p.boolean().default(false),
    acknowledgedAt: p.datetime().nullable(),
    reassignmentCount: p.integer().default(0),
    workaround: p.text().nullable(),
    csatRating: p.smallint().nullable(),
    csatComment: p.text().nullable(),
    csatAt: p.datetime().nullable(),
    /** Who follows the incident (user ids). */
    watcherIds: p.json<string[]>().nullable(),
    /** The configuration items (services among them) it affects (CI ids). */
    ciIds: p.json<string[]>().nullable(),
    revision: p.integer(),
  },
});
export class Incident extends IncidentSchema.class {}
IncidentSchema.setClass(Incident);
