/**
 * Notifications as activities: e-mail (SMTP, in the recipient's language), the organization's
 * Slack / Microsoft Teams incoming webhooks and signed generic webhooks. Each (event, recipient,
 * channel) is claimed in the `notifications` ledger first, so a retried or replayed activity does
 * not send what was already sent; a send interrupted by a crash is repeated with the same
 * Message-ID / event id, which receivers use to drop the duplicate.
 */
import { createHash, createHmac } from 'node:crypto';
import { Organization, Team, TeamMember, User } from '../../db/entities/index.js';
import { type Em, type Orm, orgEm } from '../../db/orm.js';
import type { Audience, ClockKind } from '../../workflows/kernel/sla.js';
import { settingsOf } from '../../workflows/kernel/org-settings.js';

export interface NotifyEscalationInput {
  eventKey: string;
  orgId: string;
  incident: {
    workflowId: string;
    key: string;
    title: string;
    priority: string;
    assigneeId: string | null;
    teamId: string | null;
    requesterId: string;
  };
  clock: ClockKind;
  fraction: number;
  /** When this level fell due. */
  levelDueAt?: number;
  /** The clock's own deadline. */
  dueAt: number | null;
  to: Audience[];
}

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  messageId: string;
  headers: Record<string, string>;
}

/** Sends one e-mail; the worker wires nodemailer over SMTP, tests a real local SMTP server. */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

const TEXT = {
  en: {
    subject: (i: NotifyEscalationInput) =>
      i.fraction >= 1
        ? `[${i.incident.key}] ${i.clock} target breached: ${i.incident.title}`
        : `[${i.incident.key}] ${Math.round(i.fraction * 100)}% of the ${i.clock} target used: ${i.incident.title}`,
    body: (i: NotifyEscalationInput, due: string) =>
      `${i.incident.key} (${i.incident.priority}) "${i.incident.title}"\n` +
      `${i.clock === 'response' ? 'Response' : 'Resolution'} due: ${due}\n`,
  },
  id: {
    subject: (i: NotifyEscalationInput) =>
      i.fraction >= 1
        ? `[${i.incident.key}] Target ${i.clock === 'response' ? 'respons' : 'penyelesaian'} terlampaui: ${i.incident.title}`
        : `[${i.incident.key}] ${Math.round(i.fraction * 100)}% target ${i.clock === 'response' ? 'respons' : 'penyelesaian'} terpakai: ${i.incident.title}`,
    body: (i: NotifyEscalationInput, due: string) =>
      `${i.incident.key} (${i.incident.priority}) "${i.incident.title}"\n` +
      `Batas waktu ${i.clock === 'response' ? 'respons' : 'penyelesaian'}: ${due}\n`,
  },
} as const;

async function recipients(em: Em, input: NotifyEscalationInput): Promise<User[]> {
  const ids = new Set<string>();
  const { incident } = input;
  for (const to of input.to) {
    if (to === 'assignee' && incident.assigneeId) ids.add(incident.assigneeId);
    if (to === 'requester') ids.add(incident.requesterId);
    if ((to === 'team_lead' || to === 'team') && incident.teamId) {
      const team = await em.findOne(Team, { id: incident.teamId });
      if (to === 'team_lead' && team?.lead) ids.add(team.lead.id);
      if (to === 'team') for (const m of await em.find(TeamMember, { team: incident.teamId })) ids.add(m.user.id);
    }
    if (to === 'admins') for (const u of await em.find(User, { role: 'admin', active: true })) ids.add(u.id);
  }
  return ids.size ? em.find(User, { id: { $in: [...ids] }, active: true }) : [];
}

/** Claims a send; false when it was already sent. */
async function claim(em: Em, orgId: string, eventKey: string, recipient: string, channel: string): Promise<boolean> {
  const rows = await em.execute<{ status: string }[]>(
    `insert into notifications (organization_id, event_key, recipient, channel, status, attempts, created_at)
     values (?, ?, ?, ?, 'sending', 1, ?)
     on conflict (event_key, recipient, channel) do update set attempts = notifications.attempts + 1
       where notifications.status <> 'sent'
     returning status`,
    [orgId, eventKey, recipient, channel, new Date()],
  );
  return rows.length > 0;
}

async function settle(
  em: Em,
  orgId: string,
  eventKey: string,
  recipient: string,
  channel: string,
  error: unknown,
): Promise<void> {
  await em.execute(
    `update notifications set status = ?, sent_at = ?, last_error = ?
     where organization_id = ? and event_key = ? and recipient = ? and channel = ?`,
    [
      error ? 'failed' : 'sent',
      error ? null : new Date(),
      error ? String((error as Error).message ?? error).slice(0, 1000) : null,
      orgId,
      eventKey,
      recipient,
      channel,
    ],
  );
}

/** Runs one send under the ledger: skipped if already sent; failure recorded and re-thrown (Temporal retries). */
export async function once(
  em: Em,
  orgId: string,
  eventKey: string,
  recipient: string,
  channel: string,
  send: () => Promise<void>,
) {
  if (!(await claim(em, orgId, eventKey, recipient, channel))) return;
  try {
    await send();
  } catch (err) {
    await settle(em, orgId, eventKey, recipient, channel, err);
    throw err;
  }
  await settle(em, orgId, eventKey, recipient, channel, null);
}

async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`${new URL(url).host} answered ${res.status}`);
}

/** The same Message-ID for every attempt at one e-mail, so a repeated send can be recognised. */
export function messageIdFor(eventKey: string, userId: string): string {
  return `<${createHash('sha256').update(`${eventKey}:${userId}:email`).digest('hex').slice(0, 32)}@lintas>`;
}

/** HMAC-SHA256 over `<timestamp>.<body>`, as `t=<timestamp>,v1=<hex>`. */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export async function notifyEscalation(
  deps: { orm: Orm; mailer: Mailer | null; publicUrl: string },
  input: NotifyEscalationInput,
): Promise<{ sent: number }> {
  const em = orgEm(deps.orm, input.orgId);
  const org = await em.findOneOrFail(Organization, { id: input.orgId });
  const due = input.dueAt ? new Date(input.dueAt).toISOString() : '—';
  const link = `${deps.publicUrl}/console/${encodeURIComponent(input.incident.key)}`;
  let sent = 0;
  const count = () => void sent++;

  for (const user of await recipients(em, input)) {
    const prefs = user.notificationPrefs ?? {};
    if (deps.mailer && prefs['email'] !== false) {
      const t = user.locale === 'id' ? TEXT.id : TEXT.en;
      await once(em, input.orgId, input.eventKey, user.id, 'email', async () => {
        await deps.mailer!.send({
          to: user.email,
          subject: t.subject(input),
          text: `${t.body(input, due)}${link}\n`,
          messageId: messageIdFor(input.eventKey, user.id),
          headers: { 'X-Lintas-Event': input.eventKey },
        });
        count();
      });
    }
  }

  const payload = {
    event: 'sla.escalation',
    eventId: input.eventKey,
    incident: input.incident,
    clock: input.clock,
    fraction: input.fraction,
    levelDueAt: input.levelDueAt ? new Date(input.levelDueAt).toISOString() : null,
    dueAt: input.dueAt ? new Date(input.dueAt).toISOString() : null,
    url: link,
  };
  const summary = TEXT.en.subject(input);
  const { slackWebhookUrl, teamsWebhookUrl, webhooks } = settingsOf(org.settings).notifications;
  if (slackWebhookUrl) {
    await once(em, input.orgId, input.eventKey, 'org', 'slack', () =>
      postJson(slackWebhookUrl, { text: `${summary} ${link}` }).then(count),
    );
  }
  if (teamsWebhookUrl) {
    await once(em, input.orgId, input.eventKey, 'org', 'teams', () =>
      postJson(teamsWebhookUrl, { '@type': 'MessageCard', summary, title: summary, text: link }).then(count),
    );
  }
  for (const [i, hook] of webhooks.entries()) {
    await once(em, input.orgId, input.eventKey, `webhook:${i}`, 'webhook', async () => {
      const body = JSON.stringify(payload);
      const ts = Math.floor(Date.now() / 1000);
      await postJson(hook.url, body, {
        'X-Lintas-Event-Id': input.eventKey,
        'X-Lintas-Signature': webhookSignature(hook.secret, ts, body),
      });
      count();
    });
  }
  return { sent };
}

/**
 * Posts a test message to one of the organization's channels as configured now, so an admin can
 * see a new Slack, Teams or webhook address work before an escalation depends on it.
 */
export async function sendTestMessage(
  channels: ReturnType<typeof settingsOf>['notifications'],
  channel: 'slack' | 'teams' | 'webhook',
  index = 0,
): Promise<void> {
  const text = 'Lintas test message: notifications reach this channel.';
  if (channel === 'slack') {
    if (!channels.slackWebhookUrl) throw new Error('No Slack webhook is configured');
    return postJson(channels.slackWebhookUrl, { text });
  }
  if (channel === 'teams') {
    if (!channels.teamsWebhookUrl) throw new Error('No Teams webhook is configured');
    return postJson(channels.teamsWebhookUrl, { '@type': 'MessageCard', summary: text, title: 'Lintas', text });
  }
  const hook = channels.webhooks[index];
  if (!hook) throw new Error(`No webhook number ${index + 1} is configured`);
  const body = JSON.stringify({ event: 'test', eventId: `test:${Date.now()}`, text });
  const ts = Math.floor(Date.now() / 1000);
  await postJson(hook.url, body, {
    'X-Lintas-Event-Id': `test:${ts}`,
    'X-Lintas-Signature': webhookSignature(hook.secret, ts, body),
  });
}
