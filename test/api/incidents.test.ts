/**
 * The API against the real stack: Koa over HTTP, the Temporal dev server, a worker, PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Worker } from '@temporalio/worker';
import { User } from '../../db/entities/index.js';
import { TENANT_FILTER } from '../../db/orm.js';
import { workflowBundlePath } from '../support/env.js';
import { http, PASSWORD, startStack, type Stack, type TestOrg } from '../support/stack.js';

let stack: Stack;
let a: TestOrg;
let b: TestOrg;

beforeAll(async () => {
  stack = await startStack();
  [a, b] = await Promise.all([stack.createOrg(), stack.createOrg()]);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

const create = (org: TestOrg, body: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  org.agent.api(
    'POST',
    '/api/v1/incidents',
    { title: 'VPN drops every hour', impact: 'high', urgency: 'medium', ...body },
    headers,
  );

function expectProblem(res: { status: number; headers: Headers; body: any }, status: number, code: string) {
  expect({ status: res.status, code: res.body?.code }).toEqual({ status, code });
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({
    status,
    title: expect.any(String),
    detail: expect.any(String),
    requestId: expect.any(String),
  });
}

describe('authentication', () => {
  it('signs in with e-mail and password and returns a bearer token', async () => {
    const res = await http(stack.baseUrl)('POST', '/api/v1/auth/login', { email: a.agent.email, password: PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 3600, accessToken: expect.any(String) });
    const me = await http(stack.baseUrl, res.body.accessToken)('GET', '/api/v1/me');
    expect(me.body).toMatchObject({ id: a.agent.id, role: 'agent', organization: { id: a.id, slug: a.slug } });
    expect(JSON.stringify(me.body)).not.toMatch(/\$2b\$/);
  });

  it('stores passwords as bcrypt with cost 12', async () => {
    const em = stack.orm.em.fork();
    em.setFilterParams(TENANT_FILTER, { orgId: a.id });
    const u = await em.findOneOrFail(User, { id: a.agent.id }, { populate: ['passwordHash'] });
    expect(u.passwordHash).toMatch(/^\$2b\$12\$/);
  });

  it('answers a wrong password and an unknown e-mail alike', async () => {
    const anon = http(stack.baseUrl);
    const wrong = await anon('POST', '/api/v1/auth/login', { email: a.agent.email, password: 'nope' });
    const unknown = await anon('POST', '/api/v1/auth/login', { email: 'nobody@nowhere.test', password: 'nope' });
    expectProblem(wrong, 401, 'invalid_credentials');
    expectProblem(unknown, 401, 'invalid_credentials');
    expect(wrong.body.detail).toBe(unknown.body.detail);
  });

  it('requires a valid token on every other endpoint', async () => {
    const anon = http(stack.baseUrl);
    expectProblem(await anon('GET', '/api/v1/incidents'), 401, 'unauthorized');
    expectProblem(await http(stack.baseUrl, 'not.a.token')('GET', '/api/v1/incidents'), 401, 'unauthorized');
    expectProblem(await anon('POST', '/api/v1/incidents', { title: 'x' }), 401, 'unauthorized');
    const noAuth = await anon('GET', '/api/v1/me');
    expect(noAuth.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('validates the login body', async () => {
    const res = await http(stack.baseUrl)('POST', '/api/v1/auth/login', { email: 'not-an-email' });
    expectProblem(res, 422, 'validation_failed');
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['body.email', 'body.password']);
  });
});

describe('incident lifecycle over HTTP', () => {
  it('create → assign → start → pend → resume → resolve → close, each change readable at once', async () => {
    await a.addCategories('Network');
    // Categories are a managed list, matched without regard to case: the stored name is the list's.
    const created = await create(a, { description: 'Since the update', category: 'network' });
    expect(created.status).toBe(201);
    const inc = created.body;
    expect(inc).toMatchObject({
      status: 'new',
      priority: 'P2',
      revision: 1,
      category: 'Network',
      requesterId: a.agent.id,
      workflowId: `${a.slug}/${inc.key}`,
    });
    expect(created.headers.get('location')).toBe(`/api/v1/incidents/${inc.key}`);
    expect(created.headers.get('etag')).toBe('"1"');

    // read-your-writes: the read model has it as soon as the create returned
    expect((await a.agent.api('GET', `/api/v1/incidents/${inc.key}`)).body).toEqual(inc);
    const listed = await a.agent.api('GET', '/api/v1/incidents?status=new');
    expect(listed.body.items.map((i: { key: string }) => i.key)).toContain(inc.key);

    const steps: [string, unknown, Record<string, unknown>][] = [
      [
        'assignment',
        { assigneeId: a.agent.id, teamId: a.teamId },
        { status: 'assigned', assigneeId: a.agent.id, teamId: a.teamId },
      ],
      ['transitions', { to: 'in_progress' }, { status: 'in_progress' }],
      ['transitions', { to: 'pending', pendingReason: 'customer' }, { status: 'pending', pendingReason: 'customer' }],
      ['transitions', { to: 'in_progress' }, { status: 'in_progress', pendingReason: null }],
      [
        'transitions',
        { to: 'resolved', resolutionCode: 'solved', resolutionNotes: 'New VPN profile' },
        { status: 'resolved', resolutionCode: 'solved', allowedTransitions: ['closed', 'in_progress'] },
      ],
      ['transitions', { to: 'closed' }, { status: 'closed', allowedTransitions: [] }],
    ];
    let revision = 1;
    for (const [path, body, expected] of steps) {
      const res = await a.agent.api('POST', `/api/v1/incidents/${inc.key}/${path}`, body);
      expect({ path, body, status: res.status }).toEqual({ path, body, status: 200 });
      revision += 1;
      expect(res.body).toMatchObject({ ...expected, revision });
      const read = await a.agent.api('GET', `/api/v1/incidents/${inc.key}`);
      expect(read.body).toEqual(res.body);
    }
    const closed = (await a.agent.api('GET', `/api/v1/incidents/${inc.key}`)).body;
    expect(closed.resolvedAt).not.toBeNull();
    expect(closed.closedAt).not.toBeNull();

    const timeline = (await a.agent.api('GET', `/api/v1/incidents/${inc.key}/timeline`)).body.items;
    expect(timeline.map((e: { revision: number; type: string }) => `${e.revision}:${e.type}`)).toEqual([
      '1:created',
      '2:assigned',
      '3:status_changed',
      '4:status_changed',
      '5:status_changed',
      '6:status_changed',
      '7:status_changed',
    ]);
    expect(timeline.every((e: { actorId: string }) => e.actorId === a.agent.id)).toBe(true);

    expectProblem(
      await a.agent.api('POST', `/api/v1/incidents/${inc.key}/transitions`, { to: 'in_progress', reason: 'x' }),
      409,
      'illegal_transition',
    );
    expectProblem(
      await a.agent.api('POST', `/api/v1/incidents/${inc.key}/comments`, { body: 'late' }),
      409,
      'illegal_transition',
    );

    // The recorded history replays deterministically against the current workflow code.
    const history = await stack.client.workflow.getHandle(inc.workflowId).fetchHistory();
    await expect(
      Worker.runReplayHistory({ workflowBundle: { codePath: workflowBundlePath() } }, history, inc.workflowId),
    ).resolves.toBeUndefined();
  });

  it('records comments and work notes; requesters see comments only', async () => {
    const inc = (await create(a, { requesterId: a.requester.id })).body;
    const comment = await a.agent.api('POST', `/api/v1/incidents/${inc.key}/comments`, { body: 'Looking into it' });
    expect(comment.status).toBe(201);
    expect(comment.body.entry).toMatchObject({ type: 'comment', revision: 2, data: { body: 'Looking into it' } });
    const note = await a.agent.api('POST', `/api/v1/incidents/${inc.key}/comments`, {
      body: 'Probably the firewall',
      internal: true,
    });
    expect(note.body.entry).toMatchObject({ type: 'work_note', revision: 3 });
    const reply = await a.requester.api('POST', `/api/v1/incidents/${inc.key}/comments`, { body: 'Thanks!' });
    expect(reply.status).toBe(201);
    expectProblem(
      await a.requester.api('POST', `/api/v1/incidents/${inc.key}/comments`, { body: 'x', internal: true }),
      403,
      'forbidden',
    );

    const agentView = (await a.agent.api('GET', `/api/v1/incidents/${inc.key}/timeline`)).body.items.map(
      (e: { type: string }) => e.type,
    );
    const requesterView = (await a.requester.api('GET', `/api/v1/incidents/${inc.key}/timeline`)).body.items.map(
      (e: { type: string }) => e.type,
    );
    expect(agentView).toEqual(['created', 'comment', 'work_note', 'comment']);
    expect(requesterView).toEqual(['created', 'comment', 'comment']);
  });

  it('records each of many parallel commands exactly once and answers each caller with its own', async () => {
    const inc = (await create(a, { requesterId: a.requester.id, assigneeId: a.agent.id })).body;
    const sends = Array.from({ length: 30 }, (_, i) => {
      const who = i % 2 === 0 ? a.agent : a.requester;
      const body = `parallel ${i}`;
      return who.api('POST', `/api/v1/incidents/${inc.key}/comments`, { body }).then((res) => ({ res, who, body }));
    });
    const done = await Promise.all(sends);
    for (const { res, who, body } of done) {
      expect({ body, status: res.status }).toEqual({ body, status: 201 });
      expect(res.body.entry).toMatchObject({ type: 'comment', actorId: who.id, data: { body } });
    }
    const timeline = (await a.agent.api('GET', `/api/v1/incidents/${inc.key}/timeline`)).body.items as {
      revision: number;
      actorId: string;
      data: { body?: string };
    }[];
    expect(timeline.map((e) => e.revision)).toEqual(Array.from({ length: 31 }, (_, i) => i + 1));
    const recorded = timeline
      .slice(1)
      .map((e) => `${e.data.body}/${e.actorId}`)
      .sort();
    const sent = done.map(({ who, body }) => `${body}/${who.id}`).sort();
    expect(recorded).toEqual(sent);
    // Commands that arrived together shared writes (group commit) rather than queuing one by one.
    const history = await stack.client.workflow.getHandle(inc.workflowId).fetchHistory();
    const writes = (history.events ?? []).filter((e) =>
      e.activityTaskScheduledEventAttributes?.activityType?.name?.startsWith('persistIncident'),
    );
    expect(writes.length).toBeLessThan(1 + 30);
  });

  it('keeps the team when an assignment omits it, and clears it on null', async () => {
    const inc = (await create(a, { assigneeId: a.agent.id, teamId: a.teamId })).body;
    const moved = await a.agent.api('POST', `/api/v1/incidents/${inc.key}/assignment`, { assigneeId: a.agent2.id });
    expect(moved.body).toMatchObject({ assigneeId: a.agent2.id, teamId: a.teamId });
    const outside = await a.agent.api('POST', `/api/v1/incidents/${inc.key}/assignment`, { assigneeId: a.outsider.id });
    expectProblem(outside, 422, 'validation_failed');
    const cleared = await a.agent.api('POST', `/api/v1/incidents/${inc.key}/assignment`, {
      assigneeId: a.outsider.id,
      teamId: null,
    });
    expect(cleared.body).toMatchObject({ assigneeId: a.outsider.id, teamId: null });
  });

  it('reopens a resolved incident and serves live state from the workflow', async () => {
    const inc = (await create(a, { assigneeId: a.agent2.id })).body;
    expect(inc.status).toBe('assigned');
    const go = (body: unknown) => a.agent2.api('POST', `/api/v1/incidents/${inc.key}/transitions`, body);
    await go({ to: 'in_progress' });
    await go({ to: 'resolved', resolutionCode: 'workaround', resolutionNotes: 'Restarted' });
    const reopened = await go({ to: 'in_progress', reason: 'Came back' });
    expect(reopened.body).toMatchObject({
      status: 'in_progress',
      reopenCount: 1,
      resolutionCode: null,
      autoCloseAt: null,
    });
    const live = await a.agent2.api('GET', `/api/v1/incidents/${inc.key}/state`);
    expectProblem(await a.requester.api('GET', `/api/v1/incidents/${inc.key}/state`), 403, 'forbidden');
    expect(live.body).toMatchObject({ status: 'in_progress', revision: reopened.body.revision, reopenCount: 1 });
  });
});

describe('idempotent create', () => {
  it('returns the first incident for a repeated Idempotency-Key', async () => {
    const first = await create(a, { title: 'Payroll export fails' }, { 'Idempotency-Key': 'payroll-1' });
    const second = await create(a, { title: 'Payroll export fails' }, { 'Idempotency-Key': 'payroll-1' });
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body.key).toBe(first.body.key);
  });

  it('makes one incident from concurrent requests with the same key', async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, () => create(a, { title: 'Concurrent' }, { 'Idempotency-Key': 'concurrent-1' })),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    const ok = results.filter((r) => r.status === 200 || r.status === 201);
    const busy = results.filter((r) => r.status === 409);
    expect(ok.length + busy.length).toBe(6);
    expect(new Set(ok.map((r) => r.body.key)).size).toBe(1);
    busy.forEach((r) => expect(r.body.code).toBe('idempotency_conflict'));
    const list = await a.agent.api('GET', '/api/v1/incidents?limit=100');
    expect(list.body.items.filter((i: { title: string }) => i.title === 'Concurrent')).toHaveLength(1);
  });

  it('refuses the same key with a different body', async () => {
    await create(a, { title: 'Mail down' }, { 'Idempotency-Key': 'mail-1' });
    expectProblem(
      await create(a, { title: 'Mail up' }, { 'Idempotency-Key': 'mail-1' }),
      422,
      'idempotency_key_reused',
    );
  });

  it('keeps keys per user: another user with the same key gets an incident of their own', async () => {
    const mine = await create(a, { title: 'Same key, two people' }, { 'Idempotency-Key': 'per-user-1' });
    const theirs = await a.agent2.api(
      'POST',
      '/api/v1/incidents',
      { title: 'Same key, two people', impact: 'high', urgency: 'medium' },
      { 'Idempotency-Key': 'per-user-1' },
    );
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect(theirs.body.key).not.toBe(mine.body.key);
  });

  it('makes a resent command with the same Idempotency-Key a no-op that returns the first outcome', async () => {
    const inc = (await create(a, { assigneeId: a.agent.id })).body;
    const send = () =>
      a.agent.api(
        'POST',
        `/api/v1/incidents/${inc.key}/comments`,
        { body: 'Sent twice' },
        { 'Idempotency-Key': 'c-1' },
      );
    const first = await send();
    const again = await send();
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.body.entry).toEqual(first.body.entry);
    const go = () =>
      a.agent.api(
        'POST',
        `/api/v1/incidents/${inc.key}/transitions`,
        { to: 'in_progress' },
        { 'Idempotency-Key': 't-1' },
      );
    expect((await go()).status).toBe(200);
    expect((await go()).status).toBe(200);
    const types = (await a.agent.api('GET', `/api/v1/incidents/${inc.key}/timeline`)).body.items.map(
      (e: { type: string }) => e.type,
    );
    expect(types).toEqual(['created', 'comment', 'status_changed']);
  });

  it('keeps keys per organization', async () => {
    const ka = await create(a, { title: 'Shared key' }, { 'Idempotency-Key': 'shared-key' });
    const kb = await create(b, { title: 'Shared key' }, { 'Idempotency-Key': 'shared-key' });
    expect([ka.status, kb.status]).toEqual([201, 201]);
    expect(kb.body.workflowId.startsWith(`${b.slug}/`)).toBe(true);
  });
});

describe('listing', () => {
  let org: TestOrg;
  beforeAll(async () => {
    org = await stack.createOrg();
    const mk = (title: string, impact: string, urgency: string, extra: Record<string, unknown> = {}) =>
      create(org, { title, impact, urgency, ...extra });
    await mk('one', 'low', 'low');
    await mk('two', 'high', 'high', { assigneeId: org.agent.id, teamId: org.teamId });
    await mk('three', 'medium', 'medium', { assigneeId: org.agent2.id });
    await mk('four', 'high', 'medium');
  }, 60_000);

  const keys = (res: { body: { items: { title: string }[] } }) => res.body.items.map((i) => i.title);

  it('filters by status, priority, assignee and team', async () => {
    expect(keys(await org.agent.api('GET', '/api/v1/incidents?status=assigned&sort=number'))).toEqual(['two', 'three']);
    expect(keys(await org.agent.api('GET', '/api/v1/incidents?priority=P1,P2&sort=number'))).toEqual(['two', 'four']);
    expect(keys(await org.agent.api('GET', '/api/v1/incidents?assigneeId=me'))).toEqual(['two']);
    expect(keys(await org.agent.api('GET', `/api/v1/incidents?assigneeId=${org.agent2.id}`))).toEqual(['three']);
    expect(keys(await org.agent.api('GET', '/api/v1/incidents?assigneeId=none&sort=number'))).toEqual(['one', 'four']);
    expect(keys(await org.agent.api('GET', `/api/v1/incidents?teamId=${org.teamId}`))).toEqual(['two']);
    // The portal's "my requests": what the caller raised, even for staff who can read everything.
    expect(keys(await org.agent.api('GET', '/api/v1/incidents?requesterId=me&sort=number'))).toEqual([
      'one',
      'two',
      'three',
      'four',
    ]);
    expect(keys(await org.agent2.api('GET', '/api/v1/incidents?requesterId=me'))).toEqual([]);
    expect(keys(await org.agent2.api('GET', `/api/v1/incidents?requesterId=${org.agent.id}`))).toHaveLength(4);
  });

  it('sorts and pages', async () => {
    expect(keys(await org.agent.api('GET', '/api/v1/incidents?sort=priority'))).toEqual([
      'two',
      'four',
      'three',
      'one',
    ]);
    expect(keys(await org.agent.api('GET', '/api/v1/incidents?sort=-number'))).toEqual(['four', 'three', 'two', 'one']);
    const page = await org.agent.api('GET', '/api/v1/incidents?sort=number&limit=2&offset=2');
    expect(page.body).toMatchObject({ total: 4, limit: 2, offset: 2 });
    expect(keys(page)).toEqual(['three', 'four']);
  });

  it('takes repeated list parameters and refuses non-decimal numbers', async () => {
    expect(keys(await org.agent.api('GET', '/api/v1/incidents?priority=P1&priority=P2&sort=number'))).toEqual([
      'two',
      'four',
    ]);
    expectProblem(await org.agent.api('GET', '/api/v1/incidents?limit=0x10'), 400, 'invalid_parameter');
    expectProblem(await org.agent.api('GET', '/api/v1/incidents?offset=1e2'), 400, 'invalid_parameter');
  });

  it('refuses bad query parameters with 400 and names them', async () => {
    const res = await org.agent.api('GET', '/api/v1/incidents?limit=0&sort=colour&status=open');
    expectProblem(res, 400, 'invalid_parameter');
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'query.limit',
      'query.sort',
      'query.status.0',
    ]);
  });

  it('shows requesters only their own incidents', async () => {
    await create(org, { title: 'mine', requesterId: org.requester.id });
    expect(keys(await org.requester.api('GET', '/api/v1/incidents'))).toEqual(['mine']);
    const others = await org.agent.api('GET', '/api/v1/incidents?sort=number&limit=1');
    expectProblem(await org.requester.api('GET', `/api/v1/incidents/${others.body.items[0].key}`), 404, 'not_found');
  });
});

describe('errors', () => {
  let key: string;
  beforeAll(async () => {
    key = (await create(a, { assigneeId: a.agent.id })).body.key;
  });

  it('400 for malformed JSON and bad headers', async () => {
    expectProblem(await a.agent.api('POST', '/api/v1/incidents', '{"title": "x",'), 400, 'malformed_body');
    expectProblem(await create(a, {}, { 'Idempotency-Key': 'has spaces in it' }), 400, 'invalid_header');
    expectProblem(
      await a.agent.api('POST', `/api/v1/incidents/${key}/transitions`, { to: 'in_progress' }, { 'If-Match': 'soon' }),
      400,
      'invalid_header',
    );
  });

  it('400 for a body whose Content-Encoding is a lie', async () => {
    const res = await fetch(`${stack.baseUrl}/api/v1/incidents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: '{"title":"not gzip"}',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe('malformed_body');
  });

  it('422 for control characters that PostgreSQL cannot store, and nothing is started', async () => {
    const before = (await a.agent.api('GET', '/api/v1/incidents?limit=1')).body.total;
    const res = await create(a, { title: 'nul \u0000 inside' });
    expectProblem(res, 422, 'validation_failed');
    expect(res.body.errors).toEqual([
      {
        field: 'body.title',
        message: 'must be well-formed Unicode without control characters or bidirectional overrides',
      },
    ]);
    const surrogate = await a.agent.api('POST', '/api/v1/incidents', '{"title":"lone \\ud800 surrogate"}');
    expectProblem(surrogate, 422, 'validation_failed');
    expect((await a.agent.api('GET', '/api/v1/incidents?limit=1')).body.total).toBe(before);
    // A right-to-left override would show "invoice‮fdp.exe" as "invoiceexe.pdf".
    for (const bidi of ['\u202e', '\u202d', '\u202a', '\u2066', '\u2069']) {
      const reversed = await create(a, { title: `invoice${bidi}fdp.exe` });
      expectProblem(reversed, 422, 'validation_failed');
      expect(reversed.body.errors[0].field).toBe('body.title');
    }
    const comment = await a.agent.api('POST', `/api/v1/incidents/${key}/comments`, { body: 'see \u202egnp.exe' });
    expectProblem(comment, 422, 'validation_failed');
    expect((await a.agent.api('GET', '/api/v1/incidents?limit=1')).body.total).toBe(before);
    // Direction marks for right-to-left writing stay allowed.
    const rtl = await create(a, { title: 'שלום \u200f(RTL) עולם' });
    expect(rtl.status).toBe(201);
    const ok = await create(a, { title: 'Tabs\tand ünïcödé 🚑', description: 'line one\nline two' });
    expect(ok.status).toBe(201);
    expect(ok.body.title).toBe('Tabs\tand ünïcödé 🚑');
  });

  it('400 when If-Match and the body revision disagree, or the Idempotency-Key is empty', async () => {
    const current = (await a.agent.api('GET', `/api/v1/incidents/${key}`)).body.revision;
    const res = await a.agent.api(
      'POST',
      `/api/v1/incidents/${key}/assignment`,
      { assigneeId: a.agent2.id, revision: current },
      { 'If-Match': `"${current - 1}"` },
    );
    expectProblem(res, 400, 'invalid_header');
    expectProblem(await create(a, {}, { 'Idempotency-Key': '' }), 400, 'invalid_header');
  });

  it('422 with field errors for invalid fields', async () => {
    const res = await a.agent.api('POST', '/api/v1/incidents', { impact: 'enormous', colour: 'red' });
    expectProblem(res, 422, 'validation_failed');
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['body.title', 'body.impact', 'body']));
    expectProblem(await create(a, { assigneeId: '00000000-0000-4000-8000-000000000000' }), 422, 'validation_failed');
    const notMember = await create(a, { assigneeId: a.outsider.id, teamId: a.teamId });
    expect(notMember.body.errors).toEqual([
      { field: 'assigneeId', message: 'The assignee is not a member of the team' },
    ]);
    const requesterAssignee = await a.agent.api('POST', `/api/v1/incidents/${key}/assignment`, {
      assigneeId: a.requester.id,
    });
    expectProblem(requesterAssignee, 422, 'validation_failed');
  });

  it('422 naming the missing field when the workflow needs more', async () => {
    await a.agent.api('POST', `/api/v1/incidents/${key}/transitions`, { to: 'in_progress' });
    const res = await a.agent.api('POST', `/api/v1/incidents/${key}/transitions`, {
      to: 'resolved',
      resolutionCode: 'solved',
    });
    expectProblem(res, 422, 'missing_field');
    expect(res.body.errors).toEqual([{ field: 'resolutionNotes', message: 'Resolving needs resolution notes' }]);
  });

  it('409 for an illegal transition and for a stale revision, changing nothing', async () => {
    const before = (await a.agent.api('GET', `/api/v1/incidents/${key}`)).body;
    expectProblem(
      await a.agent.api('POST', `/api/v1/incidents/${key}/transitions`, { to: 'closed' }),
      409,
      'illegal_transition',
    );
    const stale = await a.agent.api('POST', `/api/v1/incidents/${key}/transitions`, {
      to: 'pending',
      pendingReason: 'vendor',
      revision: before.revision - 1,
    });
    expectProblem(stale, 409, 'stale_revision');
    const staleHeader = await a.agent.api(
      'POST',
      `/api/v1/incidents/${key}/assignment`,
      { assigneeId: a.agent2.id },
      { 'If-Match': `"${before.revision - 1}"` },
    );
    expectProblem(staleHeader, 409, 'stale_revision');
    expect((await a.agent.api('GET', `/api/v1/incidents/${key}`)).body).toEqual(before);
    const fresh = await a.agent.api(
      'POST',
      `/api/v1/incidents/${key}/transitions`,
      { to: 'pending', pendingReason: 'vendor' },
      { 'If-Match': `"${before.revision}"` },
    );
    expect(fresh.status).toBe(200);
  });

  it('413 for an oversized body, 415 for a non-JSON body', async () => {
    expectProblem(await create(a, { description: 'x'.repeat(70 * 1024) }), 413, 'payload_too_large');
    const res = await fetch(`${stack.baseUrl}/api/v1/incidents`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'title=x',
    });
    expect(res.status).toBe(415);
    expect(((await res.json()) as { code: string }).code).toBe('unsupported_media_type');
  });

  it('404 for unknown incidents, keys and routes', async () => {
    expectProblem(await a.agent.api('GET', '/api/v1/incidents/INC-999999'), 404, 'not_found');
    expectProblem(await a.agent.api('GET', '/api/v1/incidents/not-a-key'), 400, 'invalid_parameter');
    expectProblem(await a.agent.api('GET', '/api/v1/nothing-here'), 404, 'route_not_found');
    expectProblem(await a.agent.api('DELETE', '/api/v1/incidents'), 405, 'method_not_allowed');
  });

  it('403 when a requester tries agent work', async () => {
    expectProblem(await a.requester.api('GET', '/api/v1/users'), 403, 'forbidden');
    expectProblem(await a.requester.api('GET', '/api/v1/teams'), 403, 'forbidden');
    // Someone else's incident is unknown to a requester; on their own they may only reopen or cancel.
    expectProblem(
      await a.requester.api('POST', `/api/v1/incidents/${key}/transitions`, { to: 'in_progress' }),
      404,
      'not_found',
    );
    const own = (await create(a, { requesterId: a.requester.id, assigneeId: a.agent.id })).body;
    expectProblem(
      await a.requester.api('POST', `/api/v1/incidents/${own.key}/transitions`, { to: 'in_progress' }),
      403,
      'forbidden',
    );
    expectProblem(
      await a.requester.api('PATCH', `/api/v1/incidents/${own.key}`, { title: 'Mine now' }),
      403,
      'forbidden',
    );
  });
});

describe('tenant isolation', () => {
  it("answers 404 or nothing for another organization's incidents", async () => {
    // C is a fresh organization with no incidents: any key of A's must be unknown to it.
    const c = await stack.createOrg();
    const own = (await create(a, { title: 'Secret of A' })).body;
    expect((await a.agent.api('GET', `/api/v1/incidents/${own.key}`)).status).toBe(200);
    const path = `/api/v1/incidents/${own.key}`;
    for (const [method, suffix, body] of [
      ['GET', '', undefined],
      ['GET', '/timeline', undefined],
      ['GET', '/state', undefined],
      ['POST', '/transitions', { to: 'cancelled', reason: 'x' }],
      ['POST', '/assignment', { assigneeId: c.agent.id }],
      ['POST', '/comments', { body: 'hi' }],
    ] as const) {
      expectProblem(await c.agent.api(method, `${path}${suffix}`, body), 404, 'not_found');
      expectProblem(await c.admin.api(method, `${path}${suffix}`, body), 404, 'not_found');
    }
    const list = await c.admin.api('GET', '/api/v1/incidents?limit=100');
    expect(list.body).toMatchObject({ items: [], total: 0 });
    // A's incident is untouched by all of that
    const after = (await a.agent.api('GET', `/api/v1/incidents/${own.key}`)).body;
    expect(after).toMatchObject({ status: 'new', revision: 1 });
    // A's people are unknown in C
    expectProblem(await create(c, { assigneeId: a.agent.id }), 422, 'validation_failed');
    expectProblem(await create(c, { requesterId: a.requester.id }), 422, 'validation_failed');
  });

  it("lists only the caller organization's incidents", async () => {
    const listB = await b.agent.api('GET', '/api/v1/incidents?limit=100');
    expect(listB.body.items.length).toBeGreaterThan(0);
    expect(listB.body.items.every((i: { workflowId: string }) => i.workflowId.startsWith(`${b.slug}/`))).toBe(true);
  });
});

describe('directory', () => {
  it("lists the organization's people and teams for picking assignees", async () => {
    const users = (await a.agent.api('GET', '/api/v1/users')).body.items as { id: string; teamIds: string[] }[];
    expect(users.map((u) => u.id).sort()).toEqual(
      [a.admin.id, a.agent.id, a.agent2.id, a.requester.id, a.outsider.id].sort(),
    );
    expect(users.find((u) => u.id === a.agent2.id)?.teamIds).toEqual([a.teamId]);
    expect(JSON.stringify(users)).not.toMatch(/password|\$2b\$/i);
    const teams = (await a.agent.api('GET', '/api/v1/teams')).body.items;
    expect(teams).toEqual([
      { id: a.teamId, name: 'Service Desk', memberIds: expect.arrayContaining([a.agent.id, a.agent2.id]) },
    ]);
    const bUsers = (await b.agent.api('GET', '/api/v1/users')).body.items as { id: string }[];
    expect(bUsers.map((u) => u.id)).not.toContain(a.agent.id);
  });
});

describe('service endpoints', () => {
  it('reports liveness and readiness', async () => {
    const anon = http(stack.baseUrl);
    expect((await anon('GET', '/healthz')).body).toEqual({ status: 'ok' });
    const ready = await anon('GET', '/readyz');
    expect(ready).toMatchObject({ status: 200, body: { status: 'ready', checks: { database: 'ok', temporal: 'ok' } } });
  });

  it('serves an OpenAPI 3.1 document describing every endpoint', async () => {
    const doc = (await http(stack.baseUrl)('GET', '/api/v1/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    const ops = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, m]) =>
      Object.keys(m).map((k) => `${k.toUpperCase()} ${p}`),
    );
    expect(ops).toEqual(
      expect.arrayContaining([
        'POST /api/v1/auth/login',
        'GET /api/v1/me',
        'POST /api/v1/incidents',
        'GET /api/v1/incidents',
        'GET /api/v1/incidents/{key}',
        'GET /api/v1/incidents/{key}/timeline',
        'GET /api/v1/incidents/{key}/state',
        'POST /api/v1/incidents/{key}/transitions',
        'POST /api/v1/incidents/{key}/assignment',
        'POST /api/v1/incidents/{key}/comments',
        'GET /healthz',
        'GET /readyz',
      ]),
    );
    expect(
      doc.paths['/api/v1/incidents'].post.requestBody.content['application/json'].schema.properties.impact.enum,
    ).toEqual(['high', 'medium', 'low']);
  });

  it('never logs passwords, hashes or tokens', async () => {
    const text = stack.logs.join('\n');
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toMatch(/\$2b\$/);
    expect(text).not.toMatch(/eyJ[\w-]+\.eyJ/);
  });
});
