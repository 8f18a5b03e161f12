/**
 * The approvals inbox (what the caller is asked to decide, and in bulk), the signed links of the
 * approval e-mails (answer without signing in; single-use by the workflow's rules: once the
 * approver has answered or the step has closed, the link is refused and records nothing), and the
 * fulfilment queue of the caller's teams.
 */
import { z } from 'zod';
import {
  APPROVAL_LINK_TTL_S,
  type ApprovalLink,
  approvalLinkKey,
  verifyApprovalLink,
} from '../../../activities/request/approval-link.js';
import { type Orm, orgEm } from '../../../db/orm.js';
import type { AuditLog } from '../../platform/audit.js';
import { auditContext } from '../../platform/auth.js';
import { AppError } from '../../kernel/errors.js';
import { type AnyRoute, authed, defineRoute } from '../../kernel/route.js';
import { approvalsOf, tasksOf } from '../queues.js';
import type { RequestService } from '../service.js';
import * as S from '../schemas.js';

export function approvalRoutes(service: RequestService, orm: Orm, audit: AuditLog, linkSecret: string): AnyRoute[] {
  const key = approvalLinkKey(linkSecret);

  function check(token: string): ApprovalLink {
    const r = verifyApprovalLink(key, token);
    if (r.ok) return r.link;
    if (r.problem === 'expired') {
      throw new AppError(
        410,
        'approval_link_expired',
        `Approval links work for ${APPROVAL_LINK_TTL_S / 86_400} days; open the request in Lintas instead`,
      );
    }
    throw new AppError(
      400,
      'approval_link_invalid',
      'This approval link is not valid (copy the whole link from the e-mail)',
    );
  }

  return [
    defineRoute({
      method: 'get',
      path: '/approvals',
      summary: "The caller's approvals: pending ones (the inbox, oldest first) or those decided",
      tag: 'approvals',
      permission: 'authenticated',
      query: S.ApprovalsQuery,
      responses: { 200: { description: 'Approvals', schema: S.ApprovalList } },
      handler: async (c, { query }) => {
        const ctx = authed(c);
        ctx.body = await approvalsOf(ctx.state.em, ctx.state.principal, query);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/approvals/bulk',
      summary: 'Approve or reject several steps at once; each is answered on its own',
      tag: 'approvals',
      permission: 'authenticated',
      audit: 'request.vote_bulk',
      body: S.BulkVoteBody,
      responses: {
        200: { description: 'One result per step (ok, or the refusal code)', schema: S.BulkVoteAnswer },
      },
      handler: async (c, { body }) => {
        const ctx = authed(c);
        const out = await service.bulkVote(ctx.state.em, ctx.state.principal, body);
        ctx.state.audit = {
          targetType: 'request',
          after: { decision: body.decision, comment: body.comment, results: out.results },
        };
        ctx.body = out;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/approval-links/:token',
      summary: 'What an e-mailed approval link is about (no sign-in): the request, the step, whether it is still open',
      tag: 'approvals',
      permission: 'public',
      params: z.object({ token: z.string().min(10).max(2000) }),
      query: z.object({ decision: z.enum(['approve', 'reject']).optional() }),
      responses: {
        200: { description: 'The approval', schema: S.LinkInfo },
        400: { description: 'Not a valid link' },
        404: { description: 'The request is gone' },
        410: { description: 'The link expired' },
      },
      handler: async (ctx, { params, query }) => {
        const link = check(params.token);
        const info = await service.linkInfo(orgEm(orm, link.orgId), link);
        ctx.set('Cache-Control', 'no-store');
        ctx.body = { ...info, decision: query.decision ?? null };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/approval-links',
      summary: 'Approve or reject through an e-mailed link (no sign-in); refused once used or the step closed',
      tag: 'approvals',
      permission: 'public',
      body: S.LinkVoteBody,
      responses: {
        200: { description: 'Counted', schema: S.VoteAnswer.omit({ request: true }).extend({ key: z.string() }) },
        400: { description: 'Not a valid link' },
        403: { description: 'No longer an approver of the step (not_an_approver)' },
        409: { description: 'Already answered (already_voted) or the step closed (step_closed)' },
        410: { description: 'The link expired' },
      },
      handler: async (ctx, { body }) => {
        const link = check(body.token);
        const em = orgEm(orm, link.orgId);
        const out = await service.voteByLink(em, link, { decision: body.decision, comment: body.comment });
        // Audited as the approver the signed link speaks for.
        await audit.append(link.orgId, {
          ...auditContext(ctx),
          actorId: link.userId,
          actorKind: 'user',
          actorLabel: 'approval link',
          action: 'request.vote',
          targetType: 'request',
          targetId: link.workflowId,
          after: {
            stepId: link.stepId,
            decision: body.decision,
            comment: body.comment,
            onBehalfOf: out.onBehalfOf,
            tally: out.tally,
            via: 'link',
          },
        });
        ctx.body = { key: out.request.key, step: out.step, tally: out.tally };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/request-tasks',
      summary: "Fulfilment tasks of the caller's teams (or one team), oldest first",
      tag: 'requests',
      permission: 'request.fulfil',
      query: S.TasksQuery,
      responses: { 200: { description: 'Tasks', schema: S.TaskList } },
      handler: async (c, { query }) => {
        const ctx = authed(c);
        ctx.body = await tasksOf(ctx.state.em, ctx.state.principal, query);
      },
    }),
  ];
}
