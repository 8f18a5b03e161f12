/**
 * Rating a resolution through the signed link in the resolution e-mail: no sign-in, the token
 * names the incident, the requester and the resolution. The workflow records the rating.
 */
import { z } from 'zod';
import {
  RATING_LINK_TTL_S,
  type RatingLink,
  ratingLinkKey,
  verifyRatingLink,
} from '../../../activities/incident/rating-link.js';
import { type Orm, orgEm } from '../../../db/orm.js';
import type { AuditLog } from '../../platform/audit.js';
import { auditContext } from '../../platform/auth.js';
import { AppError } from '../../kernel/errors.js';
import { type IncidentService, toDto } from '../service.js';
import { type AnyRoute, defineRoute } from '../../kernel/route.js';
import * as S from '../schemas.js';

const RatingView = z.object({
  key: z.string(),
  title: z.string(),
  status: z.string(),
  resolvedAt: z.string(),
  resolutionNotes: z.string().nullable(),
  open: z.boolean().describe('Whether this resolution can still be rated'),
  rating: S.CsatRating.nullable(),
});

/** `linkSecret` is the JWT secret: the worker signs rating links with the same one. */
export function ratingRoutes(service: IncidentService, orm: Orm, audit: AuditLog, linkSecret: string): AnyRoute[] {
  const key = ratingLinkKey(linkSecret);

  function check(token: string): RatingLink {
    const r = verifyRatingLink(key, token);
    if (r.ok) return r.link;
    if (r.problem === 'expired') {
      throw new AppError(410, 'rating_link_expired', `Rating links work for ${RATING_LINK_TTL_S / 86_400} days`);
    }
    throw new AppError(
      400,
      'rating_link_invalid',
      'This rating link is not valid (copy the whole link from the e-mail)',
    );
  }

  return [
    defineRoute({
      method: 'get',
      path: '/ratings/:token',
      summary: 'What a rating link rates (no sign-in): the incident, its resolution and any rating given',
      tag: 'ratings',
      permission: 'public',
      params: z.object({ token: z.string().min(20).max(2000) }),
      responses: {
        200: { description: 'The resolution', schema: RatingView },
        400: { description: 'Not a valid link' },
        404: { description: 'The incident is gone' },
        410: { description: 'The link expired' },
      },
      handler: async (ctx, { params }) => {
        const link = check(params.token);
        const i = toDto(await service.ratings.loadByLink(orgEm(orm, link.orgId), link));
        // A reopen or a later resolution makes this link's resolution a past one.
        const current = i.resolvedAt === link.resolvedAt;
        ctx.body = {
          key: i.key,
          title: i.title,
          status: i.status,
          resolvedAt: link.resolvedAt,
          resolutionNotes: current ? i.resolutionNotes : null,
          open: current && i.status === 'resolved' && !i.csat,
          rating: current ? i.csat : null,
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/ratings',
      summary: 'Rate a resolution 1–5 through the signed link (no sign-in); recorded by the incident workflow',
      tag: 'ratings',
      permission: 'public',
      body: S.PublicRatingBody,
      responses: {
        200: { description: 'Recorded', schema: z.object({ key: z.string(), rating: S.CsatRating }) },
        400: { description: 'Not a valid link' },
        409: { description: 'Already rated, reopened or closed (rating_not_open)' },
        410: { description: 'The link expired' },
      },
      handler: async (ctx, { body }) => {
        const link = check(body.token);
        const em = orgEm(orm, link.orgId);
        const incident = await service.ratings.rateByLink(em, link, { rating: body.rating, comment: body.comment });
        // Audited as the requester the signed link speaks for.
        await audit.append(link.orgId, {
          ...auditContext(ctx),
          actorId: link.requesterId,
          actorKind: 'user',
          actorLabel: 'rating link',
          action: 'incident.rate',
          targetType: 'incident',
          targetId: incident.workflowId,
          after: { rating: body.rating, via: 'link' },
        });
        ctx.body = { key: incident.key, rating: incident.csat };
      },
    }),
  ];
}
