import { z } from 'zod';
import { AppError, notFound } from '../../kernel/errors.js';
import { randomUUID } from 'node:crypto';
import { type CommandMeta, type IncidentDto, type IncidentService, toDto } from '../service.js';
import { type AnyRoute, type AuthedContext, authed, defineRoute } from '../../kernel/route.js';
import * as S from '../../kernel/schemas.js';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/** Update id of a command: derived from the caller's Idempotency-Key (so a resend is a no-op), else fresh. */
function commandMeta(ctx: AuthedContext, bodyRevision?: number): CommandMeta {
  const key = idempotencyKey(ctx);
  return {
    updateId: key ? `${ctx.state.principal.userId}:${key}` : randomUUID(),
    expectedRevision: expectedRevision(ctx, bodyRevision),
  };
}

function idempotencyKey(ctx: AuthedContext): string | undefined {
  if (ctx.headers['idempotency-key'] === undefined) return undefined;
  const key = ctx.get('Idempotency-Key');
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new AppError(400, 'invalid_header', 'Idempotency-Key must be 1 to 200 visible ASCII characters', [
      { field: 'Idempotency-Key', message: 'invalid' },
    ]);
  }
  return key;
}

/** The expected revision from `If-Match` and/or the body; both given must agree. */
function expectedRevision(ctx: AuthedContext, fromBody: number | undefined): number | undefined {
  const fromHeader = ifMatch(ctx);
  if (fromHeader !== undefined && fromBody !== undefined && fromHeader !== fromBody) {
    throw new AppError(400, 'invalid_header', 'If-Match and the body revision disagree', [
      { field: 'If-Match', message: `header says ${fromHeader}, body says ${fromBody}` },
    ]);
  }
  return fromBody ?? fromHeader;
}

/** Reads `If-Match: "<revision>"` (or a bare number) as the expected revision. */
function ifMatch(ctx: AuthedContext): number | undefined {
  const raw = ctx.get('If-Match');
  if (!raw) return undefined;
  const m = /^(?:W\/)?"?(\d{1,9})"?$/.exec(raw.trim());
  if (!m)
    throw new AppError(400, 'invalid_header', 'If-Match must carry a revision, e.g. "3"', [
      { field: 'If-Match', message: 'invalid' },
    ]);
  return Number(m[1]);
}

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

/** Tells the audit log which incident changed and how (only the fields that differ). */
function noteChange(
  ctx: AuthedContext,
  before: IncidentDto | null,
  after: IncidentDto,
  extra: Record<string, unknown> = {},
) {
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = { ...extra };
  for (const f of AUDITED_FIELDS) {
    if (!before || before[f] !== after[f]) {
      if (before) b[f] = before[f];
      a[f] = after[f];
    }
  }
  ctx.state.audit = { targetType: 'incident', targetId: after.workflowId, before: before ? b : null, after: a };
}

/**
 * The incident number a reference names in the caller's organization. A workflow id of another
 * organization is a 404, exactly like a number that does not exist.
 */
function own(ctx: AuthedContext, ref: { orgSlug: string | null; number: number }): number {
  if (ref.orgSlug && ref.orgSlug !== ctx.state.principal.orgSlug) throw notFound('Incident');
  return ref.number;
}

/** What every incident route hands the service: the request's EntityManager, the caller, the number. */
function target(ctx: AuthedContext, ref: { orgSlug: string | null; number: number }) {
  return [ctx.state.em, ctx.state.principal, own(ctx, ref)] as const;
}

/** Answers with an incident and its revision as the ETag (send it back as If-Match). */
function sendIncident(ctx: AuthedContext, incident: IncidentDto): void {
  ctx.set('ETag', `"${incident.revision}"`);
  ctx.body = incident;
}

const commandHeaders = {
  'If-Match': { description: 'Expected revision, e.g. "3"' },
  'Idempotency-Key': { description: 'Makes a resent command a no-op that returns the first outcome' },
};
const changed = { 200: { description: 'The changed incident', schema: S.Incident } };

const keyParams = S.IncidentKeyParams;
const byKey = { 404: { description: 'No such incident in your organization' } } as const;
const conflict = { 409: { description: 'Illegal transition or stale revision' } } as const;

export function incidentRoutes(service: IncidentService): AnyRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/incidents',
      summary: 'Raise an incident (starts its workflow)',
      tag: 'incidents',
      permission: 'incident.create',
      audit: 'incident.create',
      body: S.CreateIncidentBody,
      headers: { 'Idempotency-Key': { description: 'Repeat-safe creation: the same key returns the first incident' } },
      responses: {
        201: { description: 'Created', schema: S.Incident },
        200: { description: 'Replay of an earlier request with the same Idempotency-Key', schema: S.Incident },
        422: { description: 'Invalid fields, or an Idempotency-Key reused with another body' },
      },
      handler: async (c, { body }) => {
        const ctx = authed(c);
        const { incident, replayed } = await service.create(
          ctx.state.em,
          ctx.state.principal,
          body,
          idempotencyKey(ctx),
        );
        noteChange(ctx, null, incident, { title: incident.title, replayed });
        ctx.status = replayed ? 200 : 201;
        if (replayed) ctx.set('Idempotent-Replayed', 'true');
        ctx.set('Location', `/api/v1/incidents/${incident.key}`);
        sendIncident(ctx, incident);
      },
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
        const csv = await service.exportCsv(ctx.state.em, ctx.state.principal, query);
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
    defineRoute({
      method: 'patch',
      path: '/incidents/:key',
      summary: 'Edit an incident: title, description, category, impact, urgency (priority recomputed), team',
      tag: 'incidents',
      permission: 'incident.update',
      audit: 'incident.edit',
      params: keyParams,
      body: S.EditBody,
      headers: commandHeaders,
      responses: { ...changed, ...byKey, ...conflict, 422: { description: 'Unknown category or team' } },
      handler: async (c, { params, body }) => {
        const ctx = authed(c);
        const { before, incident } = await service.edit(
          ...target(ctx, params.key),
          body,
          commandMeta(ctx, body.revision),
        );
        noteChange(
          ctx,
          before,
          incident,
          body.description !== undefined ? { description: body.description.length } : {},
        );
        sendIncident(ctx, incident);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/incidents/:key/watchers',
      summary: 'Watch an incident (yourself, or with incident.assign someone else): told of its changes in the app',
      tag: 'incidents',
      permission: 'incident.read',
      audit: 'incident.watch',
      params: keyParams,
      body: S.WatchBody,
      headers: commandHeaders,
      responses: { ...changed, ...byKey, ...conflict },
      handler: async (c, { params, body }) => {
        const ctx = authed(c);
        const { incident } = await service.watch(...target(ctx, params.key), body.userId, true, commandMeta(ctx));
        ctx.state.audit = { targetType: 'incident', targetId: incident.workflowId, after: { watcher: body.userId } };
        sendIncident(ctx, incident);
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/incidents/:key/watchers/:userId',
      summary: 'Stop watching an incident (yourself, or with incident.assign someone else)',
      tag: 'incidents',
      permission: 'incident.read',
      audit: 'incident.unwatch',
      params: z.object({ key: keyParams.shape.key, userId: z.uuid() }),
      headers: commandHeaders,
      responses: { ...changed, ...byKey, ...conflict },
      handler: async (c, { params }) => {
        const ctx = authed(c);
        const { incident } = await service.watch(...target(ctx, params.key), params.userId, false, commandMeta(ctx));
        ctx.state.audit = { targetType: 'incident', targetId: incident.workflowId, before: { watcher: params.userId } };
        sendIncident(ctx, incident);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/incidents/:key/transitions',
      summary:
        'Move an incident through its lifecycle (start, pend, resolve, close, reopen, cancel); requesters may reopen or cancel their own',
      tag: 'incidents',
      permission: ['incident.update', 'incident.read_own'],
      audit: 'incident.transition',
      params: keyParams,
      body: S.TransitionBody,
      headers: commandHeaders,
      responses: {
        ...changed,
        ...byKey,
        ...conflict,
        422: { description: 'Missing field' },
      },
      handler: async (c, { params, body }) => {
        const ctx = authed(c);
        const { before, incident } = await service.transition(
          ...target(ctx, params.key),
          body,
          commandMeta(ctx, body.revision),
        );
        noteChange(ctx, before, incident);
        sendIncident(ctx, incident);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/incidents/:key/priority',
      summary: 'Change impact and/or urgency; the priority is recomputed and the SLA retargeted',
      tag: 'incidents',
      permission: 'incident.update',
      audit: 'incident.reprioritize',
      params: keyParams,
      body: S.PriorityBody,
      headers: commandHeaders,
      responses: { ...changed, ...byKey, ...conflict },
      handler: async (c, { params, body }) => {
        const ctx = authed(c);
        const { before, incident } = await service.reprioritize(
          ...target(ctx, params.key),
          body,
          commandMeta(ctx, body.revision),
        );
        noteChange(ctx, before, incident, body.reason ? { reason: body.reason } : {});
        sendIncident(ctx, incident);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/incidents/:key/assignment',
      summary: 'Assign an incident to an agent and/or team',
      tag: 'incidents',
      permission: 'incident.assign',
      audit: 'incident.assign',
      params: keyParams,
      body: S.AssignBody,
      headers: commandHeaders,
      responses: {
        ...changed,
        ...byKey,
        ...conflict,
        422: { description: 'Unknown assignee or team' },
      },
      handler: async (c, { params, body }) => {
        const ctx = authed(c);
        const { before, incident } = await service.assign(
          ...target(ctx, params.key),
          body,
          commandMeta(ctx, body.revision),
        );
        noteChange(ctx, before, incident);
        sendIncident(ctx, incident);
      },
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
      headers: { 'Idempotency-Key': commandHeaders['Idempotency-Key'] },
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
    defineRoute({
      method: 'post',
      path: '/incidents/:key/workaround',
      summary: 'Record (or replace) the workaround: how users keep working until the cause is fixed',
      tag: 'incidents',
      permission: 'incident.update',
      audit: 'incident.workaround',
      params: keyParams,
      body: S.WorkaroundBody,
      headers: commandHeaders,
      responses: { ...changed, ...byKey, ...conflict },
      handler: async (c, { params, body }) => {
        const ctx = authed(c);
        const { incident } = await service.workaround(
          ...target(ctx, params.key),
          body,
          commandMeta(ctx, body.revision),
        );
        noteChange(ctx, null, incident, { workaround: body.text.length });
        sendIncident(ctx, incident);
      },
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
      headers: { 'Idempotency-Key': commandHeaders['Idempotency-Key'] },
      responses: {
        ...changed,
        ...byKey,
        403: { description: 'Not the requester of this incident' },
        409: { description: 'Not resolved, already rated, or closed (rating_not_open)' },
      },
      handler: async (c, { params, body }) => {
        const ctx = authed(c);
        const incident = await service.rate(...target(ctx, params.key), body, commandMeta(ctx));
        ctx.state.audit = { targetType: 'incident', targetId: incident.workflowId, after: { rating: body.rating } };
        sendIncident(ctx, incident);
      },
    }),
  ];
}
