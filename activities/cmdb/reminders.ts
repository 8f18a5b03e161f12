/**
 * A CI's end-date reminder: mailed to its owner (else its owner team's members), in their language,
 * at most once per CI, date and threshold (the notifications ledger); skipped when the CI no
 * longer carries that date (moved meanwhile) or has been retired.
 */
import { ConfigurationItem, TeamMember, User } from '../../db/entities/index.js';
import type { Em } from '../../db/orm.js';
import type { ExpiryDate } from '../../workflows/kernel/cmdb-items.js';
import { type Mailer, messageIdFor, once } from '../kernel/notify.js';

export interface RemindCiOwnerInput {
  orgId: string;
  ciId: string;
  kind: ExpiryDate;
  date: string;
  days: number;
}

const WHAT = {
  en: { warrantyEnd: 'warranty ends', supportEnd: 'support ends', licenceExpiry: 'licence expires' },
  id: { warrantyEnd: 'garansi berakhir', supportEnd: 'dukungan berakhir', licenceExpiry: 'lisensi berakhir' },
} as const;

export async function remindCiOwner(
  deps: { em: Em; mailer: Mailer | null; publicUrl: string },
  input: RemindCiOwnerInput,
): Promise<{ sent: number; skipped?: string }> {
  const ci = await deps.em.findOne(ConfigurationItem, { id: input.ciId });
  if (!ci) return { sent: 0, skipped: 'no such CI' };
  if (ci[input.kind] !== input.date) return { sent: 0, skipped: 'the date moved' };
  if (ci.status === 'retired' || ci.status === 'disposed') return { sent: 0, skipped: `the CI is ${ci.status}` };
  if (!deps.mailer) return { sent: 0, skipped: 'no mailer configured' };
  const ids = ci.ownerUser
    ? [ci.ownerUser.id]
    : ci.ownerTeam
      ? (await deps.em.find(TeamMember, { team: ci.ownerTeam.id })).map((m) => m.user.id)
      : [];
  const users = ids.length ? await deps.em.find(User, { id: { $in: ids }, active: true }) : [];
  const eventKey = `${input.orgId}:ci:${input.ciId}:${input.kind}:${input.date}:${input.days}`;
  const url = `${deps.publicUrl}/cmdb/items/${ci.id}`;
  let sent = 0;
  for (const u of users) {
    if ((u.notificationPrefs ?? {})['email'] === false) continue;
    const id = u.locale === 'id';
    const what = (id ? WHAT.id : WHAT.en)[input.kind];
    const subject = id
      ? `${ci.name}: ${what} dalam ${input.days} hari (${input.date})`
      : `${ci.name}: ${what} in ${input.days} days (${input.date})`;
    await once(deps.em, input.orgId, eventKey, u.id, 'email', async () => {
      await deps.mailer!.send({
        to: u.email,
        subject,
        text: `${subject}\n\n${url}\n`,
        messageId: messageIdFor(eventKey, u.id),
        headers: { 'X-Lintas-Event': eventKey },
      });
      sent++;
    });
  }
  return { sent, ...(users.length ? {} : { skipped: 'no owner to remind' }) };
}
