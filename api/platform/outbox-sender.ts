/**
 * Delivers the e-mails queued in the `outbox` table (invitations, password resets, and a
 * requester's news of their ticket: the desk's replies, a wait on their answer): claims
 * unsent rows with SKIP LOCKED and a 5-minute lease, so several API processes do not send one twice
 * (a crash between sending and recording it repeats that one mail after the lease), opens the sealed
 * link, writes the mail in the recipient's language and marks the row sent. A failed row is tried
 * again later (30 s, 1 min, 2 min, … after each failure) and given up after MAX_ATTEMPTS, so one
 * bad message never holds up the others.
 */
import type { Logger } from 'pino';
import { type Mailer, messageIdFor } from '../../activities/kernel/notify.js';
import type { Orm } from '../../db/orm.js';

type Lang = 'en' | 'id';
interface Content {
  url: string;
  displayName: string;
  /** Ticket mails: its key, title and the words (a reply, or why the desk waits). */
  key?: string;
  title?: string;
  body?: string;
}

const TEMPLATES: Record<string, Record<Lang, (c: Content) => { subject: string; text: string }>> = {
  invitation: {
    en: (c) => ({
      subject: 'You are invited to Lintas',
      text: `Hello ${c.displayName},\n\nyou have been invited to your organization's service desk. Choose a password here (the link works once, for 7 days):\n\n${c.url}\n`,
    }),
    id: (c) => ({
      subject: 'Anda diundang ke Lintas',
      text: `Halo ${c.displayName},\n\nAnda diundang ke layanan bantuan organisasi Anda. Pilih kata sandi di sini (tautan berlaku sekali, selama 7 hari):\n\n${c.url}\n`,
    }),
  },
  password_reset: {
    en: (c) => ({
      subject: 'Reset your Lintas password',
      text: `Hello ${c.displayName},\n\nsomeone (hopefully you) asked to reset your password. Choose a new one here (the link works once, for 1 hour):\n\n${c.url}\n\nIf it was not you, ignore this e-mail.\n`,
    }),
    id: (c) => ({
      subject: 'Atur ulang kata sandi Lintas Anda',
      text: `Halo ${c.displayName},\n\nseseorang (semoga Anda) meminta pengaturan ulang kata sandi. Pilih kata sandi baru di sini (tautan berlaku sekali, selama 1 jam):\n\n${c.url}\n\nJika bukan Anda, abaikan e-mail ini.\n`,
    }),
  },
  ticket_reply: {
    en: (c) => ({
      subject: `[${c.key}] New reply: ${c.title}`,
      text: `Hello ${c.displayName},\n\nthe service desk replied on ${c.key} "${c.title}":\n\n${c.body}\n\nAnswer or follow it in the portal:\n${c.url}\n`,
    }),
    id: (c) => ({
      subject: `[${c.key}] Balasan baru: ${c.title}`,
      text: `Halo ${c.displayName},\n\nlayanan bantuan membalas ${c.key} "${c.title}":\n\n${c.body}\n\nJawab atau ikuti di portal:\n${c.url}\n`,
    }),
  },
  ticket_waiting: {
    en: (c) => ({
      subject: `[${c.key}] Waiting for your answer: ${c.title}`,
      text: `Hello ${c.displayName},\n\nthe service desk needs your answer to go on with ${c.key} "${c.title}".${c.body ? `\n\n${c.body}` : ''}\n\nReply in the portal (work resumes as soon as you do):\n${c.url}\n`,
    }),
    id: (c) => ({
      subject: `[${c.key}] Menunggu jawaban Anda: ${c.title}`,
      text: `Halo ${c.displayName},\n\nlayanan bantuan memerlukan jawaban Anda untuk melanjutkan ${c.key} "${c.title}".${c.body ? `\n\n${c.body}` : ''}\n\nBalas di portal (pekerjaan berlanjut begitu Anda membalas):\n${c.url}\n`,
    }),
  },
};

export const MAX_ATTEMPTS = 8;

export interface OutboxSenderDeps {
  orm: Orm;
  mailer: Mailer;
  /** Opens a row's sealed content (Account.readOutbox). */
  open(data: Record<string, unknown>): Record<string, unknown>;
  log: Logger;
  batch?: number;
  /** Only this organization's messages (a per-tenant sender; the tests, which share one database). */
  organizationId?: string;
}

/** How long a claimed message is reserved for the sender that claimed it (then another may retry). */
const LEASE_SECONDS = 300;

type Row = {
  id: string;
  recipient: string;
  template: string;
  data: unknown;
  attempts: number;
  /** The recipient's language and name, looked up in the claiming statement. */
  locale: string | null;
  display_name: string | null;
};

/**
 * One round: sends what is waiting; returns how many were sent. Rows are claimed by one statement
 * (a lease on next_attempt_at, SKIP LOCKED) and sent with no transaction open, so a slow mail
 * server holds no database connection (the embedded PGlite has only one).
 */
export async function sendOutbox(deps: OutboxSenderDeps): Promise<number> {
  const em = deps.orm.em.fork();
  const rows = await em.execute<Row[]>(
    `update outbox set next_attempt_at = now() + make_interval(secs => ?)
     where id in (
       select id from outbox
       where sent_at is null and attempts < ? and (next_attempt_at is null or next_attempt_at <= now())
         ${deps.organizationId ? 'and organization_id = ?' : ''}
       order by id limit ? for update skip locked)
     returning id, recipient, template, data, attempts,
       (select u.locale from users u where u.organization_id = outbox.organization_id and u.email = outbox.recipient)
         as locale,
       (select u.display_name from users u where u.organization_id = outbox.organization_id and u.email = outbox.recipient)
         as display_name`,
    [LEASE_SECONDS, MAX_ATTEMPTS, ...(deps.organizationId ? [deps.organizationId] : []), deps.batch ?? 20],
  );
  let sent = 0;
  for (const row of rows.sort((x, y) => Number(x.id) - Number(y.id))) {
    try {
      const data = typeof row.data === 'string' ? JSON.parse(row.data) : row.data;
      const content = deps.open(data as Record<string, unknown>) as Partial<Content>;
      const template = TEMPLATES[row.template];
      if (!template || typeof content.url !== 'string') throw new Error(`unknown outbox template '${row.template}'`);
      const lang: Lang = row.locale === 'id' ? 'id' : 'en';
      const mail = template[lang]({
        ...content,
        url: content.url,
        displayName: content.displayName ?? row.display_name ?? row.recipient,
      });
      await deps.mailer.send({
        to: row.recipient,
        ...mail,
        // The same id when a lapsed lease sends it again, so the receiver can drop the copy.
        messageId: messageIdFor(`outbox:${row.id}`, row.recipient),
        headers: {},
      });
      await em.execute('update outbox set sent_at = now() where id = ?', [row.id]);
      sent++;
    } catch (err) {
      const attempts = row.attempts + 1;
      await em.execute(
        `update outbox set attempts = ?, next_attempt_at = now() + make_interval(secs => ?) where id = ?`,
        [attempts, 30 * 2 ** (attempts - 1), row.id],
      );
      if (attempts >= MAX_ATTEMPTS) deps.log.error({ err, outboxId: row.id }, 'outbox e-mail given up');
      else deps.log.warn({ err, outboxId: row.id, attempts }, 'outbox e-mail not sent; will retry');
    }
  }
  return sent;
}

/** Sends the outbox every `intervalMs` until stopped. */
export function startOutboxSender(deps: OutboxSenderDeps & { intervalMs?: number }): () => Promise<void> {
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    if (stopped) return;
    running = running
      .then(() => sendOutbox(deps))
      .catch((err: unknown) => deps.log.warn({ err }, 'outbox round failed'));
  }, deps.intervalMs ?? 2000);
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
