/** The incident's request and response shapes (zod): validated at the edge, published in OpenAPI. */
import { z } from 'zod';
import {
  INCIDENT_STATUSES,
  PENDING_REASONS,
  RESOLUTION_CODES,
  TRANSITION_TARGETS,
  INCIDENT_COMMANDS,
} from '../../workflows/kernel/incident-lifecycle.js';
import { LEVELS, PRIORITIES } from '../../workflows/kernel/priority.js';
import { parseTicketReference, ticketReferencePattern } from '../../workflows/kernel/ticket-types.js';
import { SlaView } from '../platform/sla.js';
import { csv, intParam, text, uuid } from '../kernel/schemas.js';

export { Timeline, TimelineEntry } from '../kernel/schemas.js';

/** The configuration items (services among them) an incident affects: in the organization, not disposed. */
const CiIds = z
  .array(uuid)
  .max(50)
  .refine((v) => new Set(v).size === v.length, { message: 'each CI once' })
  .describe('affected configuration items and services (CI ids; GET /cmdb/items)');

export const CreateIncidentBody = z.strictObject({
  title: text(200).min(1),
  description: text(20_000).default(''),
  impact: z.enum(LEVELS).default('medium'),
  urgency: z.enum(LEVELS).default('medium'),
  category: text(80).min(1).nullable().default(null),
  requesterId: uuid.optional().describe('defaults to the caller'),
  assigneeId: uuid.nullable().default(null),
  teamId: uuid.nullable().default(null),
  ciIds: CiIds.default([]),
});

const revision = z.number().int().min(1).optional().describe('expected current revision (or send If-Match)');

export const TransitionBody = z.strictObject({
  to: z.enum(TRANSITION_TARGETS),
  reason: text(2000).optional(),
  pendingReason: z.enum(PENDING_REASONS).optional(),
  resolutionCode: z.enum(RESOLUTION_CODES).optional(),
  resolutionNotes: text(20_000).optional(),
  revision,
});

export const PriorityBody = z
  .strictObject({
    impact: z.enum(LEVELS).optional(),
    urgency: z.enum(LEVELS).optional(),
    reason: text(2000).optional(),
    revision,
  })
  .refine((b) => b.impact || b.urgency, { message: 'send impact and/or urgency', path: ['impact'] });

export const AssignBody = z.strictObject({
  assigneeId: uuid.nullable(),
  teamId: uuid.nullable().optional().describe('omit to keep the current team; null to clear it'),
  revision,
});

export const EditBody = z
  .strictObject({
    title: text(200).min(1).optional(),
    description: text(20_000).optional(),
    category: text(80).min(1).nullable().optional().describe('one of GET /categories, or null'),
    impact: z.enum(LEVELS).optional(),
    urgency: z.enum(LEVELS).optional(),
    teamId: uuid.nullable().optional().describe('the assignee, if any, must be a member'),
    ciIds: CiIds.optional().describe('the whole new list of affected CIs'),
    revision,
  })
  .refine((b) => Object.keys(b).some((k) => k !== 'revision'), { message: 'send a field to change', path: ['title'] });

export const WatchBody = z.strictObject({
  userId: uuid.describe('whom to add: yourself, or (with incident.assign) someone else'),
});

export const WorkaroundBody = z.strictObject({
  text: text(20_000).min(1).describe('How to keep working until the cause is fixed'),
  revision,
});

export const RatingBody = z.strictObject({
  rating: z.number().int().min(1).max(5),
  comment: text(2000).optional(),
});

export const PublicRatingBody = RatingBody.extend({ token: z.string().min(20).max(2000) });

export const CommentBody = z.strictObject({
  body: text(20_000).min(1),
  internal: z.boolean().default(false).describe('true for a work note, visible to agents only'),
});

/** An incident reference: `INC-42`, `42`, or the workflow id `acme/INC-42`. */
export const IncidentKeyParams = z.object({
  key: z
    .string()
    .regex(new RegExp(ticketReferencePattern('incident'), 'i'), 'expected an incident key like INC-42 or acme/INC-42')
    .transform((k) => parseTicketReference('incident', k)!),
});

export const SORT_FIELDS = [
  'createdAt',
  'updatedAt',
  'priority',
  'number',
  'status',
  'responseDueAt',
  'resolutionDueAt',
  'nextDueAt',
] as const;

export const ListIncidentsQuery = z.strictObject({
  status: csv(INCIDENT_STATUSES).optional(),
  priority: csv(PRIORITIES).optional(),
  assigneeId: z.union([uuid, z.literal('none'), z.literal('me')]).optional(),
  requesterId: z
    .union([uuid, z.literal('me')])
    .optional()
    .describe("who raised them: a user id or 'me' (requesters only ever see their own)"),
  teamId: z
    .union([uuid, z.literal('none'), z.literal('mine')])
    .optional()
    .describe("a team id, 'none', or 'mine' (the caller's teams)"),
  dueBefore: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('only incidents with a running SLA clock due before this instant (breaching soon)'),
  q: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe('a ticket number (INC-5, 5) or words in the title, description, resolution notes or comments'),
  watching: z.literal('me').optional().describe("'me': incidents you watch"),
  ciId: uuid.optional().describe('incidents that affect this configuration item'),
  sort: z
    .string()
    .regex(new RegExp(`^-?(${SORT_FIELDS.join('|')})$`), `one of ${SORT_FIELDS.join(', ')}, '-' for descending`)
    .default('-createdAt'),
  limit: intParam(1, 100, 25),
  offset: intParam(0, 1_000_000, 0),
  cursor: z
    .string()
    .max(500)
    .optional()
    .describe('nextCursor of the previous page: the page after it, as fast as the first (offset is ignored)'),
});

export const IncidentMeasures = z.object({
  timeToAcknowledgeMs: z.number().int().nullable().describe('Raised → first acknowledgement (calendar time)'),
  timeToResolveMs: z.number().int().nullable().describe('Raised → latest resolution (calendar time)'),
  businessTimeToResolveMs: z
    .number()
    .int()
    .nullable()
    .describe('Business time on the resolution clock (the SLA calendar, pauses excluded)'),
  reassignmentCount: z.number().int(),
  reopenCount: z.number().int(),
  firstContactResolution: z
    .boolean()
    .nullable()
    .describe('Resolved with no reassignment and no reopen; null until resolved'),
});

export const CsatRating = z.object({
  rating: z.number().int().min(1).max(5),
  comment: z.string().nullable(),
  at: z.string(),
  resolvedAt: z.string().describe('The resolution it rates'),
});

export const Incident = z.object({
  key: z.string(),
  number: z.number().int(),
  workflowId: z.string(),
  title: z.string(),
  description: z.string(),
  status: z.enum(INCIDENT_STATUSES),
  impact: z.enum(LEVELS),
  urgency: z.enum(LEVELS),
  priority: z.enum(PRIORITIES),
  category: z.string().nullable(),
  assigneeId: uuid.nullable(),
  teamId: uuid.nullable(),
  requesterId: uuid,
  pendingReason: z.enum(PENDING_REASONS).nullable(),
  resolutionCode: z.enum(RESOLUTION_CODES).nullable(),
  resolutionNotes: z.string().nullable(),
  reopenCount: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  resolvedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  autoCloseAt: z.string().nullable(),
  revision: z.number().int(),
  sla: SlaView.nullable().describe('SLA clocks as of now (business time), or null without a policy'),
  acknowledgedAt: z.string().nullable(),
  workaround: z.string().nullable(),
  measures: IncidentMeasures,
  csat: CsatRating.nullable(),
  allowedTransitions: z.array(z.enum(TRANSITION_TARGETS)),
  allowedCommands: z
    .array(z.enum(INCIDENT_COMMANDS))
    .describe('the other commands the incident takes now (the workflow refuses the rest)'),
  watcherIds: z.array(uuid).describe('people who follow the incident'),
  ciIds: z.array(uuid).describe('the configuration items and services it affects'),
});

export const IncidentPage = z.object({
  items: z.array(Incident),
  total: z.number().int().describe('matching incidents, counted up to 1000'),
  totalCapped: z.boolean().describe('true when more than 1000 match (total is then 1000)'),
  limit: z.number().int(),
  offset: z.number().int(),
  nextCursor: z.string().nullable().describe('send as cursor for the next page; null on the last'),
});
