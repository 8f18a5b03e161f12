import { z } from 'zod';
import { type IncidentDto, type IncidentService, toDto } from '../service.js';
import { type AnyRoute, type AuthedContext, authed, defineRoute } from '../../kernel/route.js';
import { COMMAND_HEADERS, TicketCommandRoutes, commandMeta, ticketTarget } from '../../kernel/command-route.js';
import * as S from '../schemas.js';
import { exportIncidentsCsv } from '../export.js';

const AUDITED_FIELDS = [
  'title',
  'category',
  'status',
  'assigneeId',
  'teamId',
  'priority',
  'impact',
  'urgency',
  'pendingReason',
  'resolutionCode',
  'reopenCount',
  'revision',
] as const;

const keyParams = S.IncidentKeyParams;
const byKey = { 404: { description: 'No such incident in your organization' } } as const;
const conflict = { 409: { description: 'Illegal transition or stale revision' } } as const;

/** The incident's command endpoints: audited fields, ETag answers, Idempotency-Key and If-Match. */
const commands = new TicketCommandRoutes<IncidentDto>({
  targetType: 'incident',
  tag: 'incidents',
  auditedFields: AUDITED_FIELDS,
  schema: S.Incident,
  responses: { ...byKey, ...conflict },
});

const target = (ctx: AuthedContext, ref: { orgSlug: string | null; number: number }) =>
  ticketTarget(ctx, ref, 'Incident');

function sendIncident(ctx: AuthedContext, incident: IncidentDto): void {
  commands.send(ctx, incident);
}

export function incidentRoutes(service: IncidentService): AnyRoute[] {
  return [
    commands.creation({
      path: '/incidents',
      summary: 'Raise an incident (starts its workflow)',
      permission: 'incident.create',
      audit: 'incident.create',
      body: S.CreateIncidentBody,
      responses: { 422: { description: 'Invalid fields, or an Idempotency-Key reused with another body' } },
      create: async (ctx, body, key) => {
        const { incident, replayed } = await service.create(ctx.state.em, ctx.state.principal, body, key);
        return { ticket: incident, replayed };
      },
      auditExtra: (body) => ({ title: body.title }),
      location: (i) => `/api/v1/incidents/${i.key}`,
    }),
    defineRoute({
      method: 'get',
      path: '/incidents',
      summary: 'List incidents with filters, sorting and paging',
      tag: 'incidents',
      permission: ['incident.read', 'incident.read_own'],
      query: S.ListIncidentsQuery,
      responses: {
        200: { description: 'A page of incidents', schema: S.IncidentPage },
        400: { description: 'Bad query' },
      },
      handler: async (c, { query }) => {
        const ctx = authed(c);
        ctx.body = await service.list(ctx.state.em, ctx.state.principal, query);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/incidents/export',
      summary: 'The incidents a list query selects, as CSV for a spreadsheet (up to 10,000 rows)',
      tag: 'incidents',
      permission: 'incident.read',
      query: S.ListIncidentsQuery,
      responses: { 200: { description: 'text/csv' }, 400: { description: 'Bad query' } },
      handler: async (c, { query }) => {
        const ctx = authed(c);
        const csv = await exportIncidentsCsv(ctx.state.em, ctx.state.principal, query);
        const stamp = new Date().toISOString().slice(0, 16).replace(/[:T]/g, '-');
        ctx.set('Content-Disposition', `attachment; filename="incidents-${ctx.state.principal.orgSlug}-${stamp}.csv"`);
        ctx.type = 'text/csv; charset=utf-8';
        ctx.body = csv;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/incidents/:key',
      summary: 'Read one incident (from the read model)',
      tag: 'incidents',
      permission: ['incident.read', 'incident.read_own'],
      params: keyParams,
      responses: { 200: { description: 'The incident', schema: S.Incident }, ...byKey },
      handler: async (c, { params }) => {
        const ctx = authed(c);
        const incident = toDto(await service.load(...target(ctx, params.key)));
        sendIncident(ctx, incident);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/incidents/:key/state',
      summary: 'Live state from the incident workflow (a Temporal query)',
      tag: 'incidents',
      permission: 'incident.read',
      params: keyParams,
      responses: { 200: { description: 'Live workflow state' }, 403: { description: 'Requesters' }, ...byKey },
      handler: async (c, { params }) => {
        const ctx = authed(c);
        ctx.body = await service.live(...target(ctx, params.key));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/incidents/:key/timeline',
      summary: 'The incident timeline: creation, assignments, status changes, comments and work notes',
      tag: 'incidents',
      permission: ['incident.read', 'incident.read_own'],
      params: keyParams,
      responses: { 200: { description: 'Timeline, oldest first', schema: S.Timeline }, ...byKey },
      handler: async (c, { params }) => {
        const ctx = authed(c);
        ctx.body = await service.timeline(...target(ctx, params.key));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/incidents/:key/history',
      summary: "The ticket's workflow history (Temporal events: updates, timers, activities) as a readable timeline",
      tag: 'incidents',
      permission: 'incident.history',
      params: keyParams,
      responses: {
        200: {
          description: 'Events oldest first, across continue-as-new runs',
          schema: z.object({
            workflowId: z.string(),
            items: z.array(
              z.object({
                eventId: z.number(),
                runId: z.string(),
                at: z.string(),
                kind: z.string(),
                summary: z.string(),
                actorUserId: z.string().nullable(),
                actor: z.string(),
                details: z.record(z.string(), z.unknown()),
              }),
            ),
          }),
        },
        ...byKey,
      },
      handler: async (c, { params }) => {
        const ctx = authed(c);
        ctx.body = await service.history(...target(ctx, params.key));
      },
    }),
    commands.route({
      method: 'patch',
      path: '/incidents/:key',
      summary: 'Edit an incident: title, description, category, impact, urgency (priority recomputed), team',
      permission: 'incident.update',
      audit: 'incident.edit',
      params: keyParams,
      body: S.EditBody,
      bodyRevision: true,
      responses: { 422: { description: 'Unknown category or team' } },
      run: (ctx, { params, body, meta }) => service.edit(...target(ctx, params.key), body, meta),
      auditExtra: ({ body }) => (body.description !== undefined ? { description: body.description.length } : {}),
    }),
    commands.route({
      path: '/incidents/:key/watchers',
      summary: 'Watch an incident (yourself, or with incident.assign someone else): told of its changes in the app',
      permission: 'incident.read',
      audit: 'incident.watch',
      params: keyParams,
      body: S.WatchBody,
      run: (ctx, { params, body, meta }) => service.watch(...target(ctx, params.key), body.userId, true, meta),
      auditNote: ({ body, ticket }) => ({
        targetType: 'incident',
        targetId: ticket.workflowId,
        after: { watcher: body.userId },
      }),
    }),
    commands.route({
      method: 'delete',
      path: '/incidents/:key/watchers/:userId',
      summary: 'Stop watching an incident (yourself, or with incident.assign someone else)',
      permission: 'incident.read',
      audit: 'incident.unwatch',
      params: z.object({ key: keyParams.shape.key, userId: z.uuid() }),
      run: (ctx, { params, meta }) => service.watch(...target(ctx, params.key), params.userId, false, meta),
      auditNote: ({ params, ticket }) => ({
        targetType: 'incident',
        targetId: ticket.workflowId,
        before: { watcher: params.userId },
      }),
    }),
    commands.route({
      path: '/incidents/:key/transitions',
      summary:
        'Move an incident through its lifecycle (start, pend, resolve, close, reopen, cancel); requesters may reopen or cancel their own',
      permission: ['incident.update', 'incident.read_own'],
      audit: 'incident.transition',
      params: keyParams,
      body: S.TransitionBody,
      bodyRevision: true,
      responses: { 422: { description: 'Missing field' } },
      run: (ctx, { params, body, meta }) => service.transition(...target(ctx, params.key), body, meta),
    }),
    commands.route({
      path: '/incidents/:key/priority',
      summary: 'Change impact and/or urgency; the priority is recomputed and the SLA retargeted',
      permission: 'incident.update',
      audit: 'incident.reprioritize',
      params: keyParams,
      body: S.PriorityBody,
      bodyRevision: true,
      run: (ctx, { params, body, meta }) => service.reprioritize(...target(ctx, params.key), body, meta),
      auditExtra: ({ body }) => (body.reason ? { reason: body.reason } : {}),
    }),
    commands.route({
      path: '/incidents/:key/assignment',
      summary: 'Assign an incident to an agent and/or team',
      permission: 'incident.assign',
      audit: 'incident.assign',
      params: keyParams,
      body: S.AssignBody,
      bodyRevision: true,
      responses: { 422: { description: 'Unknown assignee or team' } },
      run: (ctx, { params, body, meta }) => service.assign(...target(ctx, params.key), body, meta),
    }),
    defineRoute({
      method: 'post',
      path: '/incidents/:key/comments',
      summary: 'Add a public comment or an internal work note',
      tag: 'incidents',
      permission: 'incident.comment',
      audit: 'incident.comment',
      params: keyParams,
      body: S.CommentBody,
      headers: { 'Idempotency-Key': COMMAND_HEADERS['Idempotency-Key'] },
      responses: {
        201: {
          description: 'The new timeline entry',
          schema: z.object({ entry: S.TimelineEntry, incident: S.Incident }),
        },
        ...byKey,
        ...conflict,
      },
      handler: async (c, { params, body }) => {
        const ctx = authed(c);
        const result = await service.comment(...target(ctx, params.key), body, commandMeta(ctx));
        ctx.state.audit = {
          targetType: 'incident',
          targetId: result.incident.workflowId,
          after: { type: result.entry.type, revision: result.entry.revision, length: body.body.length },
        };
        ctx.status = 201;
        ctx.body = result;
      },
    }),
    commands.route({
      path: '/incidents/:key/workaround',
      summary: 'Record (or replace) the workaround: how users keep working until the cause is fixed',
      permission: 'incident.update',
      audit: 'incident.workaround',
      params: keyParams,
      body: S.WorkaroundBody,
      bodyRevision: true,
      run: async (ctx, { params, body, meta }) => ({
        ticket: (await service.workaround(...target(ctx, params.key), body, meta)).ticket,
      }),
      auditExtra: ({ body }) => ({ workaround: body.text.length }),
    }),
    defineRoute({
      method: 'post',
      path: '/incidents/:key/rating',
      summary: 'The requester rates the resolution 1–5 with an optional comment (while the incident is resolved)',
      tag: 'incidents',
      permission: ['incident.read', 'incident.read_own'],
      audit: 'incident.rate',
      params: keyParams,
      body: S.RatingBody,
      headers: { 'Idempotency-Key': COMMAND_HEADERS['Idempotency-Key'] },
      responses: {
        200: { description: 'The changed incident', schema: S.Incident },
        ...byKey,
        403: { description: 'Not the requester of this incident' },
        409: { description: 'Not resolved, already rated, or closed (rating_not_open)' },
      },
      handler: async (c, { params, body }) => {
        const ctx = authed(c);
        const incident = await service.ratings.rate(...target(ctx, params.key), body, commandMeta(ctx));
        ctx.state.audit = { targetType: 'incident', targetId: incident.workflowId, after: { rating: body.rating } };
        sendIncident(ctx, incident);
      },
    }),
  ];
}
