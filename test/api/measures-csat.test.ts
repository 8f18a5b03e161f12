/**
 * Per-incident measures (acknowledge, resolve, reassignments, first-contact resolution, reopens),
 * workarounds, and CSAT: the signed rating link e-mailed to the requester on resolution (a real
 * SMTP server on loopback), rating through it without signing in, and rating in the portal.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectProblem } from '../support/problems.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp.js';
import { startStack, type Stack, type TestOrg } from '../support/stack.js';
import { createSmtpMailer } from '../../deploy/mailer.js';
import { http } from '../support/stack.js';

let stack: Stack;
let org: TestOrg;
let smtp: SmtpSink;

beforeAll(async () => {
  smtp = await startSmtpSink();
  stack = await startStack({ mailer: createSmtpMailer(smtp.url, 'desk@lintas.test') });
  org = await stack.createOrg();
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await smtp?.close();
});

async function raiseByRequester(title: string) {
  const res = await org.requester.api('POST', '/api/v1/incidents', { title });
  expect(res.status).toBe(201);
  return res.body.key as string;
}

const move = (key: string, body: Record<string, unknown>) =>
  org.agent.api('POST', `/api/v1/incidents/${key}/transitions`, body);
const assign = (key: string, assigneeId: string) =>
  org.agent.api('POST', `/api/v1/incidents/${key}/assignment`, { assigneeId });
/** Starts work if it has not started, then resolves. */
async function resolve(key: string) {
  const current = await org.agent.api('GET', `/api/v1/incidents/${key}`);
  if (current.body.status !== 'in_progress') expect((await move(key, { to: 'in_progress' })).status).toBe(200);
  const res = await move(key, { to: 'resolved', resolutionCode: 'solved', resolutionNotes: 'Replaced the cable' });
  expect(res.status).toBe(200);
  return res;
}

/** The rating link in the newest resolution e-mail about an incident. */
async function ratingToken(key: string, after = 0): Promise<string> {
  const mail = await smtp.waitFor((m) => m.subject.startsWith(`[${key}]`) && smtp.mails.indexOf(m) >= after);
  const m = /\/rate\/([\w.-]+)/.exec(mail.text);
  if (!m?.[1]) throw new Error(`no rating link in: ${mail.text}`);
  return m[1];
}

describe('measures per incident', () => {
  it('records time to acknowledge and resolve, business time, and first-contact resolution', async () => {
    const key = await raiseByRequester('Printer offline');
    expect((await assign(key, org.agent.id)).body.measures).toEqual({
      timeToAcknowledgeMs: null,
      timeToResolveMs: null,
      businessTimeToResolveMs: null,
      reassignmentCount: 0,
      reopenCount: 0,
      firstContactResolution: null,
    });
    const started = await move(key, { to: 'in_progress' });
    expect(started.body.acknowledgedAt).toEqual(expect.any(String));
    expect(started.body.measures.timeToAcknowledgeMs).toBe(
      Date.parse(started.body.acknowledgedAt) - Date.parse(started.body.createdAt),
    );
    const done = await resolve(key);
    const m = done.body.measures;
    expect(m.timeToResolveMs).toBe(Date.parse(done.body.resolvedAt) - Date.parse(done.body.createdAt));
    // The default policy is 24×7: business time on the resolution clock equals calendar time here.
    expect(m.businessTimeToResolveMs).toBe(m.timeToResolveMs);
    expect(m).toMatchObject({ reassignmentCount: 0, reopenCount: 0, firstContactResolution: true });
    // A later acknowledgement does not move the first one.
    expect(done.body.acknowledgedAt).toBe(started.body.acknowledgedAt);
  });

  it('counts reassignments and reopens; either one means no first-contact resolution', async () => {
    const key = await raiseByRequester('VPN drops');
    await assign(key, org.agent.id); // the first assignment is not a reassignment
    expect((await assign(key, org.agent2.id)).body.measures.reassignmentCount).toBe(1);
    const done = await resolve(key);
    expect(done.body.measures).toMatchObject({ reassignmentCount: 1, firstContactResolution: false });

    const key2 = await raiseByRequester('Mail quota');
    await assign(key2, org.agent.id);
    expect((await resolve(key2)).body.measures.firstContactResolution).toBe(true);
    const reopened = await move(key2, { to: 'in_progress', reason: 'Still full' });
    expect(reopened.body.measures).toMatchObject({
      reopenCount: 1,
      firstContactResolution: null,
      timeToResolveMs: null,
    });
    expect((await resolve(key2)).body.measures).toMatchObject({ reopenCount: 1, firstContactResolution: false });
  });
});

describe('workarounds', () => {
  it('agents record and replace a workaround; it is on the ticket, its timeline and the audit log', async () => {
    const key = await raiseByRequester('Shared drive slow');
    const first = await org.agent.api('POST', `/api/v1/incidents/${key}/workaround`, { text: 'Use the web client' });
    expect(first.status).toBe(200);
    expect(first.body.workaround).toBe('Use the web client');
    const second = await org.agent.api(
      'POST',
      `/api/v1/incidents/${key}/workaround`,
      { text: '  Map the drive over HTTPS  ' },
      { 'If-Match': `"${first.body.revision}"` },
    );
    expect(second.body.workaround).toBe('Map the drive over HTTPS');
    const stale = await org.agent.api(
      'POST',
      `/api/v1/incidents/${key}/workaround`,
      { text: 'x' },
      { 'If-Match': `"${first.body.revision}"` },
    );
    expectProblem(stale, 409, 'stale_revision');
    expectProblem(
      await org.agent.api('POST', `/api/v1/incidents/${key}/workaround`, { text: '   ' }),
      422,
      'validation_failed',
    );
    expectProblem(
      await org.requester.api('POST', `/api/v1/incidents/${key}/workaround`, { text: 'mine' }),
      403,
      'forbidden',
    );

    const timeline = await org.requester.api('GET', `/api/v1/incidents/${key}/timeline`);
    expect(
      timeline.body.items.filter((e: { type: string }) => e.type === 'workaround').map((e: any) => e.data.text),
    ).toEqual(['Use the web client', 'Map the drive over HTTPS']);
    const audit = await org.admin.api(
      'GET',
      `/api/v1/audit?action=incident.workaround&targetId=${second.body.workflowId}`,
    );
    expect(audit.body.items).toHaveLength(2);
  });
});

describe('CSAT', () => {
  it('e-mails the requester a signed link on resolution; rating through it needs no sign-in and counts once', async () => {
    const key = await raiseByRequester('Laptop will not boot');
    await assign(key, org.agent.id);
    const before = smtp.mails.length;
    const done = await resolve(key);
    const token = await ratingToken(key, before);
    const mail = smtp.mails.find((m) => m.subject.startsWith(`[${key}]`))!;
    expect(mail.to).toBe(org.requester.email);
    expect(mail.text).toContain('Replaced the cable');

    const anon = http(stack.baseUrl);
    const view = await anon('GET', `/api/v1/ratings/${token}`);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({
      key,
      status: 'resolved',
      open: true,
      rating: null,
      resolvedAt: done.body.resolvedAt,
    });

    expectProblem(await anon('POST', '/api/v1/ratings', { token, rating: 6 }), 422, 'validation_failed');
    const tampered = token.slice(0, -2) + (token.endsWith('A') ? 'BB' : 'AA');
    expectProblem(await anon('POST', '/api/v1/ratings', { token: tampered, rating: 5 }), 400, 'rating_link_invalid');
    expectProblem(await anon('GET', `/api/v1/ratings/${'x'.repeat(40)}`), 400, 'rating_link_invalid');

    const rated = await anon('POST', '/api/v1/ratings', { token, rating: 4, comment: 'Quick, thanks' });
    expect(rated.status).toBe(200);
    expect(rated.body.rating).toMatchObject({ rating: 4, comment: 'Quick, thanks', resolvedAt: done.body.resolvedAt });
    expectProblem(await anon('POST', '/api/v1/ratings', { token, rating: 1 }), 409, 'rating_not_open');

    const incident = await org.agent.api('GET', `/api/v1/incidents/${key}`);
    expect(incident.body.csat).toMatchObject({ rating: 4, comment: 'Quick, thanks' });
    const timeline = await org.agent.api('GET', `/api/v1/incidents/${key}/timeline`);
    const event = timeline.body.items.find((e: { type: string }) => e.type === 'csat');
    expect(event).toMatchObject({ actorId: org.requester.id, data: { rating: 4, comment: 'Quick, thanks' } });
    expect((await anon('GET', `/api/v1/ratings/${token}`)).body).toMatchObject({ open: false, rating: { rating: 4 } });
    const audit = await org.admin.api('GET', `/api/v1/audit?action=incident.rate&targetId=${incident.body.workflowId}`);
    expect(audit.body.items).toMatchObject([{ actorId: org.requester.id }]);
    // One resolution, one e-mail.
    expect(smtp.mails.filter((m) => m.subject.startsWith(`[${key}]`))).toHaveLength(1);
  });

  it('a reopen voids the old link; the next resolution asks again, and the requester may rate in the portal', async () => {
    const pref = await org.requester.api('PATCH', '/api/v1/me/preferences', { locale: 'id' });
    expect(pref.status).toBe(200);
    const key = await raiseByRequester('Monitor flickers');
    await assign(key, org.agent.id);
    let before = smtp.mails.length;
    await resolve(key);
    const first = await ratingToken(key, before);
    expect(smtp.mails.at(-1)!.subject).toBe(`[${key}] Selesai: bagaimana layanan kami?`);

    await move(key, { to: 'in_progress', reason: 'Flickers again' });
    const anon = http(stack.baseUrl);
    expect((await anon('GET', `/api/v1/ratings/${first}`)).body).toMatchObject({ open: false, rating: null });
    expectProblem(await anon('POST', '/api/v1/ratings', { token: first, rating: 2 }), 409, 'rating_not_open');
    expectProblem(
      await org.requester.api('POST', `/api/v1/incidents/${key}/rating`, { rating: 3 }),
      409,
      'rating_not_open',
    );

    before = smtp.mails.length;
    await resolve(key);
    const second = await ratingToken(key, before);
    expect(second).not.toBe(first);
    expectProblem(await anon('POST', '/api/v1/ratings', { token: first, rating: 2 }), 409, 'rating_not_open');

    expectProblem(await org.agent.api('POST', `/api/v1/incidents/${key}/rating`, { rating: 5 }), 403, 'not_requester');
    const rated = await org.requester.api('POST', `/api/v1/incidents/${key}/rating`, {
      rating: 5,
      comment: 'Fixed now',
    });
    expect(rated.status).toBe(200);
    expect(rated.body.csat).toMatchObject({ rating: 5, comment: 'Fixed now' });
    expectProblem(await anon('POST', '/api/v1/ratings', { token: second, rating: 1 }), 409, 'rating_not_open');

    // Closing ends rating altogether.
    const key2 = await raiseByRequester('Keyboard sticky');
    await assign(key2, org.agent.id);
    before = smtp.mails.length;
    await resolve(key2);
    const third = await ratingToken(key2, before);
    expect((await move(key2, { to: 'closed' })).status).toBe(200);
    expectProblem(await anon('POST', '/api/v1/ratings', { token: third, rating: 5 }), 409, 'rating_not_open');
  });
});
