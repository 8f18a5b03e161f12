/**
 * Account e-mails leave the outbox: an invitation and a password reset are delivered over real
 * SMTP in the recipient's language, exactly once even with two senders at the same moment, and
 * their links work.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { createSmtpMailer } from '../../deploy/mailer.js';
import { sendOutbox } from '../../api/platform/outbox-sender.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp.js';
import { http, startStack, type Stack, type TestOrg } from '../support/stack.js';

let stack: Stack;
let org: TestOrg;
let smtp: SmtpSink;
let send: () => Promise<number>;

beforeAll(async () => {
  smtp = await startSmtpSink();
  stack = await startStack({ worker: false, app: { publicUrl: 'https://desk.example.test' } });
  org = await stack.createOrg();
  const deps = {
    orm: stack.orm,
    mailer: createSmtpMailer(smtp.url, 'desk@lintas.test'),
    open: stack.app.account.readOutbox,
    log: pino({ level: 'silent' }),
    // Other test files share the database and queue mail sealed with their own keys.
    organizationId: org.id,
  };
  send = () => sendOutbox(deps);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await smtp?.close();
});

const linkIn = (text: string, path: string) => {
  const m = new RegExp(`https://desk\\.example\\.test/${path}#token=([\\w-]+)`).exec(text);
  if (!m) throw new Error(`no ${path} link in:\n${text}`);
  return m[1]!;
};

describe('outbox delivery', () => {
  it('e-mails an invitation once, even with two senders at once, and its link sets the password', async () => {
    const email = `invitee@${org.slug}.test`;
    const invited = await org.admin.api('POST', '/api/v1/admin/users', {
      email,
      displayName: 'Invitee',
      role: 'agent',
    });
    expect(invited.status).toBe(201);
    const [a, b] = await Promise.all([send(), send()]);
    expect(a + b).toBe(1);
    expect(await send()).toBe(0);
    const mail = await smtp.waitFor((m) => m.to === email);
    expect(smtp.mails.filter((m) => m.to === email)).toHaveLength(1);
    expect(mail.subject).toBe('You are invited to Lintas');
    expect(mail.text).toContain('Hello Invitee');
    const token = linkIn(mail.text, 'accept-invitation');
    const accept = await http(stack.baseUrl)('POST', '/api/v1/auth/invitation/accept', {
      token,
      password: 'a long enough new password 1',
    });
    expect(accept.status).toBe(204);
    expect((await stack.login(email, 'a long enough new password 1')).status).toBe(200);
  });

  it('writes a password reset in the recipient’s language', async () => {
    await org.requester.api('PATCH', '/api/v1/me/preferences', { locale: 'id' });
    const asked = await http(stack.baseUrl)('POST', '/api/v1/auth/password-reset', { email: org.requester.email });
    expect(asked.status).toBe(202);
    let sent = 0;
    for (let i = 0; i < 50 && sent === 0; i++) {
      sent = await send(); // the reset is queued after the answer
      if (!sent) await new Promise((r) => setTimeout(r, 50));
    }
    expect(sent).toBe(1);
    const mail = await smtp.waitFor((m) => m.to === org.requester.email);
    expect(mail.subject).toBe('Atur ulang kata sandi Lintas Anda');
    const token = linkIn(mail.text, 'reset-password');
    const reset = await http(stack.baseUrl)('POST', '/api/v1/auth/password-reset/confirm', {
      token,
      password: 'another long new password 2',
    });
    expect(reset.status).toBe(204);
  });

  it('puts a message that cannot be sent aside with growing pauses, so the others still go out', async () => {
    const log = pino({ level: 'silent' });
    const broken = { send: () => Promise.reject(new Error('mail server refuses')) };
    const first = `first@${org.slug}.test`;
    const second = `second@${org.slug}.test`;
    for (const email of [first, second])
      await org.admin.api('POST', '/api/v1/admin/users', { email, displayName: email, role: 'agent' });
    const base = { orm: stack.orm, open: stack.app.account.readOutbox, log, organizationId: org.id };
    expect(await sendOutbox({ ...base, mailer: broken })).toBe(0);
    // Both wait now (30 s); nothing is tried again before then.
    expect(await send()).toBe(0);
    const rows = await stack.orm.em.fork().execute<{ attempts: number; wait: number }[]>(
      `select attempts, extract(epoch from next_attempt_at - now()) as wait from outbox
         where organization_id = ? and sent_at is null order by id`,
      [org.id],
    );
    expect(rows.map((r) => r.attempts)).toEqual([1, 1]);
    for (const r of rows) expect(Number(r.wait)).toBeGreaterThan(20);
    // When the pause is over they go out.
    await stack.orm.em
      .fork()
      .execute(`update outbox set next_attempt_at = now() where organization_id = ? and sent_at is null`, [org.id]);
    expect(await send()).toBe(2);
    await smtp.waitFor((m) => m.to === second);
  });
});
