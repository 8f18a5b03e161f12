/**
 * Service requests over HTTP: order an item, read requests and their approval path, vote at a
 * step (people and integrators), complete a fulfilment task, cancel, comment and rate. Votes and
 * tasks are Temporal updates whose validators refuse what cannot count; the refusal comes back at
 * once with its reason (403 not_an_approver, 409 already_voted / step_closed).
 */
import { z } from 'zod';
import { COMMAND_HEADERS, TicketCommandRoutes, commandMeta, ticketTarget } from '../../kernel/command-route.js';
import { type AnyRoute, type AuthedContext, authed, defineRoute } from '../../kernel/route.js';
import type { RequestDto } from '../dto.js';
import type { RequestService } from '../service.js';
import * as S from '../schemas.js';

const byKey = { 404: { description: 'No such request in your organization' } } as const;
const refused = {
  409: { description: 'The request or step takes no such command now (illegal_transition, step_closed, …)' },
} as const;

const commands = new TicketCommandRoutes<RequestDto>({
  targetType: 'request',
  tag: 'requests',
  auditedFields: ['status', 'revision'],
  schema: S.ServiceRequest,
  responses: { ...byKey, ...refused },
});

const target = (ctx: AuthedContext, ref: { orgSlug: string | null; number: number }) =>
  ticketTarget(ctx, ref, 'Request');

const READ = ['request.read', 'request.read_own'] as const;

export function requestRoutes(service: RequestService): AnyRoute[] {
  return [
    commands.creation({
      path: '/requests',
      summary: 'Order a catalog item (starts the request workflow on the published flow version)',
      permission: 'request.create',
      audit: 'request.create',
      body: S.CreateRequestBody,
      responses: {
        409: { description: "The item's flow cannot run (item_unavailable)" },
        422: { description: 'Answers that need attention, each at answers.<fieldId>; an unknown item' },
      },
      create: async (ctx, body, key) => {
        const { request, replayed } = await service.submit(ctx.state.em, ctx.state.principal, body, key);
        return { ticket: request, replayed };
      },
      auditExtra: (body) => ({ item: body.item }),
      location: (r) => `/api/v1/requests/${r.key}`,
    }),
    defineRoute({
      method: 'get',
      path: '/requests',
      summary: 'List requests (newest change first); requesters see their own',
      tag: 'requests',
      permission: READ,
      query: S.ListRequestsQuery,
      responses: {
        200: { description: 'A page of requests', schema: S.RequestPage },
        400: { description: 'Bad query' },
      },
      handler: async (c, { query }) => {
        const ctx = authed(c);
        ctx.body = await service.list(ctx.state.em, ctx.state.principal, query);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/requests/:key',
      summary: 'One request with its approval path: steps so far, who is asked, the tallies, what comes next',
      tag: 'requests',
      permission: READ,
      params: S.RequestKeyParams,
      responses: { 200: { description: 'The request', schema: S.ServiceRequest }, ...byKey },
      handler: async (c, { params }) => {
        const ctx = authed(c);
        commands.send(ctx, await service.get(...target(ctx, params.key)));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/requests/:key/timeline',
      summary: 'The request timeline: submission, approvers asked, votes, tasks, comments',
      tag: 'requests',
      permission: READ,
      params: S.RequestKeyParams,
      responses: { 200: { description: 'Timeline, oldest first', schema: S.Timeline }, ...byKey },
      handler: async (c, { params }) => {
        const ctx = authed(c);
        ctx.body = await service.timeline(...target(ctx, params.key));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/requests/:key/history',
      summary: "The request's workflow history (Temporal events) as a readable timeline",
      tag: 'requests',
      permission: 'incident.history',
      params: S.RequestKeyParams,
      responses: { 200: { description: 'Events oldest first' }, ...byKey },
      handler: async (c, { params }) => {
        const ctx = authed(c);
        ctx.body = await service.history(...target(ctx, params.key));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/requests/:key/flow',
      summary: 'The flow the request runs, with the path taken and the step it waits on (the live overlay)',
      tag: 'requests',
      permission: READ,
      params: S.RequestKeyParams,
      responses: { 200: { description: 'The flow as travelled', schema: S.RequestFlow }, ...byKey },
      handler: async (c, { params }) => {
        const ctx = authed(c);
        ctx.body = await service.flowOf(...target(ctx, params.key));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/requests/:key/state',
      summary: 'Live state from the request workflow (a Temporal query)',
      tag: 'requests',
      permission: 'request.read',
      params: S.RequestKeyParams,
      responses: { 200: { description: 'Live workflow state' }, ...byKey },
      handler: async (c, { params }) => {
        const ctx = authed(c);
        ctx.body = await service.live(...target(ctx, params.key));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/requests/:key/approvals/:stepId',
      summary: 'Approve or reject at an approval step you are asked at; answers with the new tally ("2 of 3")',
      tag: 'requests',
      permission: 'authenticated',
      audit: 'request.vote',
      params: S.StepParams,
      body: S.VoteBody,
      headers: COMMAND_HEADERS,
      responses: {
        200: { description: 'Counted', schema: S.VoteAnswer },
        403: { description: 'You are not (or no longer) an approver of this step (not_an_approver)' },
        409: { description: 'You already voted (already_voted), or the step closed (step_closed)' },
        422: { description: 'A rejection without a comment' },
        ...byKey,
      },
      handler: async (c, { params, body }) => {
        const ctx = authed(c);
        const [em, principal, number] = target(ctx, params.key);
        const out = await service.vote(em, principal, number, params.stepId, body, commandMeta(ctx));
        ctx.state.audit = {
          targetType: 'request',
          targetId: out.request.workflowId,
          after: {
            stepId: params.stepId,
            decision: body.decision,
            comment: body.comment,
            onBehalfOf: out.onBehalfOf,
            tally: out.tally,
          },
        };
        ctx.set('ETag', `"${out.request.revision}"`);
        ctx.body = { request: out.request, step: out.step, tally: out.tally };
      },
    }),
    commands.route({
      path: '/requests/:key/tasks/:stepId/complete',
      summary: "Mark a fulfilment task done (a member of the task's team)",
      permission: 'request.fulfil',
      audit: 'request.task',
      params: S.StepParams,
      body: S.TaskBody,
      responses: { 403: { description: "Not a member of the task's team (not_team_member)" } },
      run: async (ctx, { params, body, meta }) => ({
        ticket: await service.completeTask(...target(ctx, params.key), params.stepId, body, meta),
      }),
      auditExtra: ({ params, body }) => ({ stepId: params.stepId, note: body.note }),
    }),
    commands.route({
      path: '/requests/:key/cancel',
      summary: 'Cancel a request that is not completed (its requester, or the service desk)',
      permission: READ,
      audit: 'request.cancel',
      params: S.RequestKeyParams,
      body: S.CancelBody,
      run: async (ctx, { params, body, meta }) => service.cancel(...target(ctx, params.key), body, meta),
      auditExtra: ({ body }) => ({ reason: body.reason }),
    }),
    defineRoute({
      method: 'post',
      path: '/requests/:key/comments',
      summary: 'Comment on a request (or a work note, for the service desk)',
      tag: 'requests',
      permission: READ,
      audit: 'request.comment',
      params: S.RequestKeyParams,
      body: S.CommentBody,
      headers: COMMAND_HEADERS,
      responses: {
        201: {
          description: 'Added',
          schema: z.object({ request: S.ServiceRequest, entry: S.TimelineEntry }),
        },
        ...byKey,
        ...refused,
      },
      handler: async (c, { params, body }) => {
        const ctx = authed(c);
        const out = await service.comment(...target(ctx, params.key), body, commandMeta(ctx));
        ctx.state.audit = {
          targetType: 'request',
          targetId: out.request.workflowId,
          after: { internal: body.internal, revision: out.entry.revision },
        };
        ctx.status = 201;
        ctx.body = out;
      },
    }),
    commands.route({
      path: '/requests/:key/rating',
      summary: 'Rate a completed request 1–5 (its requester, once, within the rating window)',
      permission: READ,
      audit: 'request.rate',
      params: S.RequestKeyParams,
      body: S.RateBody,
      responses: { 403: { description: 'Not the requester (not_requester)' } },
      run: async (ctx, { params, body, meta }) => ({
        ticket: await service.rate(...target(ctx, params.key), body, meta),
      }),
      auditExtra: ({ body }) => ({ rating: body.rating }),
    }),
  ];
}
