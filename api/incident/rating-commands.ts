/**
 * Ratings of an incident's resolution (CSAT): by the requester signed in, or through the signed
 * link of the resolution e-mail; either way one rating per resolution, decided by the workflow.
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { Incident } from '../../db/entities/index.js';
import type { Em } from '../../db/orm.js';
import { rateUpdate } from '../../workflows/incident/messages.js';
import type { Principal } from '../kernel/context.js';
import { AppError, notFound } from '../kernel/errors.js';
import type { CommandMeta, TicketDesk } from '../kernel/tickets.js';
import { type IncidentDto, toDto } from './dto.js';
import type * as S from './schemas.js';

export class IncidentRatings {
  constructor(
    private readonly desk: TicketDesk,
    private readonly load: (em: Em, principal: Principal, number: number) => Promise<Incident>,
  ) {}

  /** The requester rates the current resolution of their own incident (signed in, in the portal). */
  async rate(em: Em, principal: Principal, number: number, body: z.infer<typeof S.RatingBody>, meta: CommandMeta) {
    const current = await this.load(em, principal, number);
    if (current.requester.id !== principal.userId) {
      throw new AppError(403, 'not_requester', 'Only the person who raised the incident can rate its resolution');
    }
    return this.sendRating(em, current, principal.userId, body, meta.updateId);
  }

  /** The incident a signed rating link names (em scoped to the link's organization), or 404. */
  async loadByLink(em: Em, link: { workflowId: string; requesterId: string }): Promise<Incident> {
    const found = await em.findOne(Incident, { workflowId: link.workflowId }, { populate: ['requester'] });
    if (!found || found.requester.id !== link.requesterId) throw notFound('Incident');
    return found;
  }

  /** A rating through the signed link from the resolution e-mail (no sign-in). */
  async rateByLink(
    em: Em,
    link: { workflowId: string; requesterId: string; resolvedAt: string },
    body: z.infer<typeof S.RatingBody>,
  ) {
    const current = await this.loadByLink(em, link);
    return this.sendRating(em, current, link.requesterId, body, randomUUID(), link.resolvedAt);
  }

  private async sendRating(
    em: Em,
    current: Incident,
    requesterId: string,
    body: z.infer<typeof S.RatingBody>,
    updateId: string,
    resolvedAt = current.resolvedAt?.toISOString() ?? null,
  ): Promise<IncidentDto> {
    if (current.status !== 'resolved' || !resolvedAt || current.resolvedAt?.toISOString() !== resolvedAt) {
      throw new AppError(
        409,
        'rating_not_open',
        current.status === 'closed'
          ? 'The incident is closed; its resolution can no longer be rated'
          : 'This resolution can no longer be rated (the incident was reopened or is not resolved)',
      );
    }
    await this.desk.send(current.workflowId, updateId, (h, id, notAfter) =>
      h.startUpdate(rateUpdate, {
        args: [
          {
            rating: body.rating,
            comment: body.comment ?? null,
            resolvedAt,
            actor: { userId: requesterId, kind: 'user' },
            notAfter,
          },
        ],
        updateId: id,
        waitForStage: 'ACCEPTED',
      }),
    );
    await em.refresh(current);
    return toDto(current);
  }
}
