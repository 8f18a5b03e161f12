/**
 * The audit log: mutating requests and security events are recorded with actor, target,
 * before/after, request id and source address; it filters and exports; it is append-only; and the
 * verification finds the first altered or removed entry.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { TEST_DATABASE_URL } from '../support/env.js';
import { expectProblem } from '../support/problems.js';
import { startStack, type Stack, type TestOrg } from '../support/stack.js';

let stack: Stack;
let org: TestOrg;

beforeAll(async () => {
  stack = await startStack();
  org = await stack.createOrg();
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

/** Runs SQL as the database superuser, the way an intruder with database access would. */
async function asSuperuser<T = any>(sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows as T[];
  } finally {
    await c.end();
  }
}

describe('what is recorded', () => {
  it('records a mutating request with actor, target, before/after, request id and source address', async () => {
    const inc = await org.agent.api(
      'POST',
      '/api/v1/incidents',
      { title: 'Mail down', impact: 'high', urgency: 'high' },
      { 'X-Request-Id': 'req-create-1' },
    );
    const moved = await org.agent.api(
      'POST',
      `/api/v1/incidents/${inc.body.key}/assignment`,
      { assigneeId: org.agent.id },
      { 'X-Request-Id': 'req-assign-1' },
    );
    expect(moved.status).toBe(200);
    const log = await org.admin.api('GET', `/api/v1/audit?targetId=${encodeURIComponent(inc.body.workflowId)}`);
    // The key people see finds the same entries (the log is the organization's own).
    const byKey = await org.admin.api('GET', `/api/v1/audit?targetId=${inc.body.key.toLowerCase()}`);
    expect(byKey.body.items.map((e: { seq: number }) => e.seq)).toEqual(
      log.body.items.map((e: { seq: number }) => e.seq),
    );
    const [created, assigned] = log.body.items;
    expect(created).toMatchObject({
      action: 'incident.create',
      actorId: org.agent.id,
      actorKind: 'user',
      actorLabel: org.agent.email,
      targetType: 'incident',
      requestId: 'req-create-1',
      sourceIp: expect.stringMatching(/127\.0\.0\.1/),
      after: expect.objectContaining({ title: 'Mail down', status: 'new' }),
    });
    expect(assigned).toMatchObject({
      action: 'incident.assign',
      requestId: 'req-assign-1',
      before: { status: 'new', assigneeId: null, revision: 1 },
      after: { status: 'assigned', assigneeId: org.agent.id, revision: 2 },
    });
  });

  it('records security events: sign-in success and failure, role and permission changes, revocations', async () => {
    await stack.login(org.requester.email, 'definitely wrong');
    await stack.login(org.requester.email);
    await org.admin.api('PATCH', `/api/v1/admin/users/${org.agent2.id}`, { role: 'team_lead' });
    await org.admin.api('PUT', '/api/v1/admin/roles/auditor', { permissions: ['audit.read'] });
    await org.admin.api('POST', `/api/v1/admin/users/${org.agent2.id}/sessions/revoke`);
    const actions = (await org.admin.api('GET', '/api/v1/audit?limit=500')).body.items.map((e: any) => e.action);
    for (const a of [
      'auth.login_failed',
      'auth.login',
      'user.role_changed',
      'user.update',
      'role.permissions_change',
      'user.sessions_revoke',
    ]) {
      expect(actions).toContain(a);
    }
    const roleChange = (await org.admin.api('GET', '/api/v1/audit?action=user.role_changed')).body.items[0];
    expect(roleChange).toMatchObject({
      targetId: org.agent2.id,
      after: { from: 'agent', to: 'team_lead' },
      actorId: org.admin.id,
    });
  });

  it('records a refused request as access.denied, not as the change', async () => {
    const before = (await org.admin.api('GET', '/api/v1/audit/verify')).body.lastSeq;
    await org.requester.api('POST', '/api/v1/admin/teams', { name: 'nope' });
    await org.agent.api('POST', '/api/v1/incidents', { title: '' });
    const since = (await org.admin.api('GET', `/api/v1/audit?afterSeq=${before}`)).body.items;
    expect(since.map((e: any) => e.action)).toEqual(['access.denied']);
    expect(since[0]).toMatchObject({ actorId: org.requester.id, targetType: 'route', targetId: 'POST /admin/teams' });
  });

  it('keeps the entry when a value does not fit its column or is not storable text', async () => {
    const odd = await org.admin.api('POST', '/api/v1/admin/teams', { name: 'Team \ud800 odd' });
    expectProblem(odd, 422, 'validation_failed');
    const longId = 'r'.repeat(300);
    const ok = await org.admin.api(
      'POST',
      '/api/v1/admin/teams',
      { name: 'Long request id' },
      { 'X-Request-Id': longId },
    );
    expect(ok.status).toBe(201);
    const entry = (await org.admin.api('GET', `/api/v1/audit?action=team.create&targetId=${ok.body.id}`)).body.items[0];
    expect(entry.requestId.length).toBeLessThanOrEqual(100);
    expect((await org.admin.api('GET', '/api/v1/audit/verify')).body.ok).toBe(true);
  });
});

describe('reading it', () => {
  it('filters by action prefix, actor and time, and pages with a cursor', async () => {
    const auth = await org.admin.api('GET', '/api/v1/audit?action=auth.&limit=500');
    expect(auth.body.items.length).toBeGreaterThan(0);
    expect(auth.body.items.every((e: any) => e.action.startsWith('auth.'))).toBe(true);
    const byAgent = await org.admin.api(`GET`, `/api/v1/audit?actorId=${org.agent.id}`);
    expect(byAgent.body.items.every((e: any) => e.actorId === org.agent.id)).toBe(true);
    const future = await org.admin.api(
      'GET',
      `/api/v1/audit?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`,
    );
    expect(future.body.items).toEqual([]);
    const p1 = await org.admin.api('GET', '/api/v1/audit?limit=2');
    const p2 = await org.admin.api('GET', `/api/v1/audit?limit=2&afterSeq=${p1.body.nextAfterSeq}`);
    expect(p2.body.items[0].seq).toBe(p1.body.items[1].seq + 1);
    const bad = await org.admin.api('GET', '/api/v1/audit?from=yesterday');
    expect(bad.status).toBe(400);
  });

  it('exports JSON and CSV that carry the same entries', async () => {
    const json = await org.admin.api('GET', '/api/v1/audit/export?format=json');
    expect(json.headers.get('content-disposition')).toMatch(/attachment; filename="audit-.*\.json"/);
    const res = await fetch(`${stack.baseUrl}/api/v1/audit/export?format=csv`, {
      headers: { authorization: await auditorToken() },
    });
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await res.text()).trim().split('\r\n');
    expect(lines[0]).toBe(
      'seq,at,actorId,actorKind,actorLabel,action,targetType,targetId,before,after,requestId,sourceIp,prevHash,hash',
    );
    expect(lines.length - 1).toBeGreaterThanOrEqual(json.body.entries.length);
    expect(lines[1]).toContain(json.body.entries[0].hash);
  });

  it('is readable by auditors and not by agents', async () => {
    const token = await auditorToken();
    const res = await fetch(`${stack.baseUrl}/api/v1/audit/verify`, { headers: { authorization: token } });
    expect(res.status).toBe(200);
    expect((await org.agent.api('GET', '/api/v1/audit')).status).toBe(403);
  });
});

let auditor: string | undefined;
async function auditorToken(): Promise<string> {
  if (auditor) return auditor;
  const u = await org.admin.api('PATCH', `/api/v1/admin/users/${org.outsider.id}`, { role: 'auditor' });
  expect(u.status).toBe(200);
  await org.admin.api('PUT', '/api/v1/admin/roles/auditor', {
    permissions: ['audit.read', 'audit.export', 'incident.read', 'incident.history'],
  });
  const login = await stack.login(org.outsider.email);
  auditor = `Bearer ${login.body.accessToken}`;
  return auditor;
}

describe('integrity', () => {
  it('refuses UPDATE and DELETE on the log, even from a superuser while the trigger is on', async () => {
    await expect(asSuperuser(`update audit_log set action = 'x' where organization_id = $1`, [org.id])).rejects.toThrow(
      /append-only/,
    );
    await expect(asSuperuser(`delete from audit_log where organization_id = $1`, [org.id])).rejects.toThrow(
      /append-only/,
    );
  });

  it('verification passes on an untouched log and names the first altered entry', async () => {
    const ok = await org.admin.api('GET', '/api/v1/audit/verify');
    expect(ok.body).toMatchObject({ ok: true, firstBroken: null });
    expect(ok.body.checked).toBeGreaterThan(5);
    // An intruder with superuser rights switches the trigger off and rewrites entry 3's actor.
    await asSuperuser(`
      begin;
      alter table audit_log disable trigger audit_log_no_change;
      update audit_log set actor_label = 'someone-else@example.com' where organization_id = '${org.id}' and seq = 3;
      alter table audit_log enable trigger audit_log_no_change;
      commit;`);
    const bad = await org.admin.api('GET', '/api/v1/audit/verify');
    expect(bad.body).toMatchObject({ ok: false, firstBroken: { seq: 3, reason: 'hash_mismatch' } });
    expect(bad.body.checked).toBe(2);
  });

  it('names the first removed entry when a row is deleted', async () => {
    const other = await stack.createOrg();
    for (let i = 0; i < 4; i++)
      await other.agent.api('POST', '/api/v1/incidents', { title: `n${i}`, impact: 'low', urgency: 'low' });
    expect((await other.admin.api('GET', '/api/v1/audit/verify')).body.ok).toBe(true);
    await asSuperuser(`
      begin;
      alter table audit_log disable trigger audit_log_no_change;
      delete from audit_log where organization_id = '${other.id}' and seq = 2;
      alter table audit_log enable trigger audit_log_no_change;
      commit;`);
    const bad = await other.admin.api('GET', '/api/v1/audit/verify');
    expect(bad.body).toMatchObject({ ok: false, firstBroken: { seq: 3, reason: 'missing_entries' } });
  });

  it('keeps one unbroken chain under concurrent writers', async () => {
    const other = await stack.createOrg();
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        other.agent.api('POST', '/api/v1/incidents', { title: `c${i}`, impact: 'low', urgency: 'low' }),
      ),
    );
    const v = await other.admin.api('GET', '/api/v1/audit/verify');
    expect(v.body).toMatchObject({ ok: true });
    expect(v.body.checked).toBeGreaterThanOrEqual(12 + 5);
  });
});
