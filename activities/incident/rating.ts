/**
 * The rating request sent when an incident is resolved: an e-mail to the requester, in their
 * language, with a signed link to rate the resolution 1–5 without signing in. Sent at most once per
 * resolution (the notifications ledger), like every other notification.
 */
import { User } from '../../db/entities/index.js';
import type { Orm } from '../../db/orm.js';
import { orgEm } from '../../db/orm.js';
import { type Mailer, messageIdFor, once } from '../kernel/notify.js';
import { RATING_LINK_TTL_S, ratingLinkKey, signRatingLink } from './rating-link.js';

export interface RequestRatingInput {
  orgId: string;
  workflowId: string;
  key: string;
  title: string;
  requesterId: string;
  resolvedAt: string;
  resolutionNotes: string | null;
}

const TEXT = {
  en: {
    subject: (i: RequestRatingInput) => `[${i.key}] Resolved: how did we do?`,
    body: (i: RequestRatingInput, url: string, portal: string) =>
      `Your incident ${i.key} "${i.title}" has been resolved.\n` +
      (i.resolutionNotes ? `\n${i.resolutionNotes}\n` : '') +
      `\nRate the resolution from 1 to 5 (no sign-in needed):\n${url}\n` +
      `\nNot fixed? Open it in the portal and choose "Still broken? Reopen it":\n${portal}\n`,
  },
  id: {
    subject: (i: RequestRatingInput) => `[${i.key}] Selesai: bagaimana layanan kami?`,
    body: (i: RequestRatingInput, url: string, portal: string) =>
      `Insiden Anda ${i.key} "${i.title}" telah diselesaikan.\n` +
      (i.resolutionNotes ? `\n${i.resolutionNotes}\n` : '') +
      `\nBeri nilai penyelesaian 1 sampai 5 (tanpa masuk):\n${url}\n` +
      `\nBelum beres? Buka di portal lalu pilih "Masih bermasalah? Buka kembali":\n${portal}\n`,
  },
} as const;

export async function requestRating(
  deps: { orm: Orm; mailer: Mailer | null; publicUrl: string; linkSecret: string | null },
  input: RequestRatingInput,
): Promise<{ sent: number; skipped?: string }> {
  if (!deps.mailer) return { sent: 0, skipped: 'no mailer configured' };
  if (!deps.linkSecret) return { sent: 0, skipped: 'no link secret configured' };
  const em = orgEm(deps.orm, input.orgId);
  const user = await em.findOne(User, { id: input.requesterId, active: true });
  if (!user) return { sent: 0, skipped: 'requester inactive or gone' };
  if ((user.notificationPrefs ?? {})['email'] === false) return { sent: 0, skipped: 'requester turned e-mail off' };

  const token = signRatingLink(ratingLinkKey(deps.linkSecret), {
    orgId: input.orgId,
    workflowId: input.workflowId,
    requesterId: input.requesterId,
    resolvedAt: input.resolvedAt,
    exp: Math.floor(Date.parse(input.resolvedAt) / 1000) + RATING_LINK_TTL_S,
  });
  const url = `${deps.publicUrl}/rate/${token}`;
  const eventKey = `${input.workflowId}:csat:${input.resolvedAt}`;
  const t = user.locale === 'id' ? TEXT.id : TEXT.en;
  let sent = 0;
  await once(em, input.orgId, eventKey, user.id, 'email', async () => {
    await deps.mailer!.send({
      to: user.email,
      subject: t.subject(input),
      text: t.body(input, url, `${deps.publicUrl}/portal/${input.key}`),
      messageId: messageIdFor(eventKey, user.id),
      headers: { 'X-Lintas-Event': eventKey },
    });
    sent++;
  });
  return { sent };
}
