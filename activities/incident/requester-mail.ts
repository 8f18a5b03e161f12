/**
 * E-mail to the requester about their ticket: the desk's public replies and a wait on their
 * answer. Queued in the outbox in the transaction that stores the revision (so once per revision,
 * and only if that revision is stored), delivered by the outbox sender in their language.
 * Work notes, the requester's own actions and those of requesters who turned e-mail off send none.
 */
import type { Em } from '../../db/orm.js';
import type { IncidentSnapshot, TimelineEvent } from '../../workflows/incident/messages.js';

/** At most this much of a reply goes into the mail; the portal shows the rest. */
const EXCERPT = 4000;

export async function queueRequesterMail(tx: Em, s: IncidentSnapshot, e: TimelineEvent, publicUrl: string) {
  if (!s.requesterId || e.actor.userId === s.requesterId) return;
  const d = e.data;
  const template =
    e.type === 'comment'
      ? 'ticket_reply'
      : e.type === 'status_changed' && d['to'] === 'pending' && d['pendingReason'] === 'customer'
        ? 'ticket_waiting'
        : null;
  if (!template) return;
  const body = template === 'ticket_reply' ? String(d['body'] ?? '').slice(0, EXCERPT) : String(d['reason'] ?? '');
  await tx.execute(
    `insert into outbox (organization_id, recipient, template, data, created_at, attempts)
     select ?, u.email, ?, ?, now(), 0 from users u
      where u.id = ? and u.organization_id = ? and u.active
        and coalesce((u.notification_prefs ->> 'email')::boolean, true)`,
    [
      s.orgId,
      template,
      JSON.stringify({ url: `${publicUrl}/portal/${s.key}`, key: s.key, title: s.title, body }),
      s.requesterId,
      s.orgId,
    ],
    'run',
  );
}
