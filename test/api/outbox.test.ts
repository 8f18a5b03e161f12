/**
 * Account e-mails leave the outbox: an invitation and a password reset are delivered over real
 * SMTP in the recipient's language, exactly once even with two senders at the same moment, and
 * their links work.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { createSmtpMailer } from '../../deploy/mailer.js';
import { sendOutbox } from '../../api/outbox-sender.js';
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
  };
  send = () => sendOutbox(deps);
  await send(); // whatever earlier steps queued
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
});
