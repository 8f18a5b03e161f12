/**
 * Authorization: every registered route against every role. A route must declare what it needs,
 * and answer exactly as declared: 401 without credentials (unless public), 403 to a role without
 * the permission, and never 401/403 to a role that has it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { ROLES, type Role, User } from '../../db/entities/index.js';
import { TENANT_FILTER } from '../../db/orm.js';
import { DEFAULT_GRANTS, PERMISSION_NAMES } from '../../workflows/kernel/permissions.js';
import type { AnyRoute } from '../../api/kernel/route.js';
import { hashPassword } from '../../api/platform/auth.js';
import { expectProblem } from '../support/problems.js';
import { http, type Http, PASSWORD, startStack, type Stack, type TestOrg } from '../support/stack.js';

let stack: Stack;
let org: TestOrg;
const as: Partial<Record<Role, Http>> = {};

beforeAll(async () => {
  stack = await startStack();
  org = await stack.createOrg();
  const em = stack.orm.em.fork();
  em.setFilterParams(TENANT_FILTER, { orgId: org.id });
  const hash = await hashPassword(PASSWORD, 4);
  for (const role of ROLES.filter((r) => r !== 'integration')) {
    em.create(User, {
      organization: org.id,
      email: `${role}@${org.slug}.rbac`,
      displayName: role,
      role,
      active: true,
      passwordHash: hash,
    });
  }
  await em.flush();
  await signInRoles();
  const key = await org.admin.api('POST', '/api/v1/admin/api-keys', {
    name: 'rbac walker',
    scopes: [...DEFAULT_GRANTS.integration],
  });
  expect(key.status).toBe(201);
  as.integration = http(stack.baseUrl, key.body.key);
}, 120_000);

async function signInRoles() {
  for (const role of ROLES.filter((r) => r !== 'integration')) {
    const res = await stack.login(`${role}@${org.slug}.rbac`);
    as[role] = http(stack.baseUrl, res.body.accessToken);
  }
}

afterAll(async () => {
  await stack?.stop();
});

/** A concrete path for a route, with placeholder ids that exist nowhere. */
function pathOf(r: AnyRoute): string {
  const path = r.path
    .replace(':key', 'INC-999999')
    .replace(':role', 'cab_member')
    .replace(/:(id|userId)\b/g, () => randomUUID());
  return `/api/v1${path}`;
}

/** Logout ends the caller's session, so it is walked last. */
const routes = () =>
  [...stack.app.routes].sort((a, b) => Number(a.path === '/auth/logout') - Number(b.path === '/auth/logout'));

describe('route × role matrix', () => {
  it('every route declares a permission, and every mutating one an audit action', () => {
    for (const r of stack.app.routes) {
      const where = `${r.method.toUpperCase()} ${r.path}`;
      expect({ where, permission: r.permission ?? null }).not.toEqual({ where, permission: null });
      if (typeof r.permission === 'string' && !['public', 'authenticated', 'person'].includes(r.permission)) {
        expect(PERMISSION_NAMES).toContain(r.permission);
      }
      if (r.permission !== 'public' && r.method !== 'get')
        expect({ where, audit: r.audit ?? null }).toEqual({ where, audit: expect.any(String) });
    }
    expect(stack.app.routes.length).toBeGreaterThan(40);
  });

  it('answers every route as declared, for no credentials and for every role', async () => {
    const mismatches: string[] = [];
    let checked = 0;
    for (const r of routes()) {
      const path = pathOf(r);
      const body = r.method === 'get' ? undefined : {};
      const anon = await http(stack.baseUrl)(r.method.toUpperCase(), path, body);
      if (r.permission !== 'public' && anon.status !== 401)
        mismatches.push(`${r.method} ${r.path} anonymous → ${anon.status}`);
      if (r.permission === 'public' && [401, 403].includes(anon.status))
        mismatches.push(`${r.method} ${r.path} public → ${anon.status}`);
      for (const role of ROLES) {
        const granted = new Set<string>(DEFAULT_GRANTS[role]);
        const req = r.permission;
        const allowed =
          req === 'public' ||
          req === 'authenticated' ||
          (req === 'person'
            ? role !== 'integration'
            : typeof req === 'string'
              ? granted.has(req)
              : req.some((p: string) => granted.has(p)));
        const res = await as[role]!(r.method.toUpperCase(), path, body);
        checked++;
        if (allowed && [401, 403].includes(res.status))
          mismatches.push(`${r.method} ${r.path} as ${role} → ${res.status} ${res.body?.code} (declared allowed)`);
        if (!allowed && !(res.status === 403 && res.body?.code === 'forbidden')) {
          mismatches.push(`${r.method} ${r.path} as ${role} → ${res.status} ${res.body?.code} (declared forbidden)`);
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBeGreaterThan(300);
    // The walk ended with logout: sign everyone in again for the tests below.
    await signInRoles();
  }, 120_000);
});

describe('permissions are data', () => {
  it('an admin changes a role’s grant and it takes effect on the next request', async () => {
    const requester = as.requester!;
    expectProblem(await requester('GET', '/api/v1/users'), 403, 'forbidden');
    const put = await org.admin.api('PUT', '/api/v1/admin/roles/requester', {
      permissions: [...DEFAULT_GRANTS.requester, 'user.read'],
    });
    expect(put.status).toBe(200);
    expect((await requester('GET', '/api/v1/users')).status).toBe(200);
    const roles = await org.admin.api('GET', '/api/v1/admin/roles');
    expect(roles.body.roles.find((r: any) => r.role === 'requester')).toMatchObject({
      isDefault: false,
      permissions: expect.arrayContaining(['user.read']),
    });
    await org.admin.api('PUT', '/api/v1/admin/roles/requester', { permissions: [...DEFAULT_GRANTS.requester] });
    expectProblem(await requester('GET', '/api/v1/users'), 403, 'forbidden');
    const log = await org.admin.api('GET', '/api/v1/audit?action=role.permissions_change&targetId=requester');
    expect(log.body.items).toHaveLength(2);
    expect(log.body.items[0].after.permissions).toContain('user.read');
  });

  it('refuses to take role management away from admins, and unknown permissions', async () => {
    expectProblem(
      await org.admin.api('PUT', '/api/v1/admin/roles/admin', { permissions: ['incident.read'] }),
      409,
      'admin_floor',
    );
    expectProblem(
      await org.admin.api('PUT', '/api/v1/admin/roles/agent', { permissions: ['root.everything'] }),
      422,
      'validation_failed',
    );
  });

  it('keeps at least one active admin, and nobody changes their own role or status', async () => {
    const walkerAdmin = (await org.admin.api('GET', '/api/v1/admin/users')).body.items.find(
      (u: any) => u.email === `admin@${org.slug}.rbac`,
    );
    expectProblem(
      await org.admin.api('PATCH', `/api/v1/admin/users/${org.admin.id}`, { role: 'agent' }),
      403,
      'self_change',
    );
    expectProblem(
      await org.admin.api('PATCH', `/api/v1/admin/users/${org.admin.id}`, { active: false }),
      403,
      'self_change',
    );
    // A role with every permission (so no escalation check stops it) still cannot remove the last admin.
    await org.admin.api('PUT', '/api/v1/admin/roles/team_lead', { permissions: PERMISSION_NAMES });
    try {
      expect((await org.admin.api('PATCH', `/api/v1/admin/users/${walkerAdmin.id}`, { role: 'agent' })).status).toBe(
        200,
      );
      const lead = as.team_lead!;
      expectProblem(await lead('PATCH', `/api/v1/admin/users/${org.admin.id}`, { role: 'agent' }), 409, 'last_admin');
      expectProblem(await lead('PATCH', `/api/v1/admin/users/${org.admin.id}`, { active: false }), 409, 'last_admin');
    } finally {
      await org.admin.api('PATCH', `/api/v1/admin/users/${walkerAdmin.id}`, { role: 'admin' });
      await org.admin.api('PUT', '/api/v1/admin/roles/team_lead', { permissions: [...DEFAULT_GRANTS.team_lead] });
    }
  });
});

describe('no privilege escalation', () => {
  it('a holder of user.manage cannot make anyone (itself included) more powerful than itself', async () => {
    await org.admin.api('PUT', '/api/v1/admin/roles/team_lead', {
      permissions: [...DEFAULT_GRANTS.team_lead, 'user.manage'],
    });
    try {
      const lead = as.team_lead!;
      const me = (await lead('GET', '/api/v1/me')).body;
      expectProblem(await lead('PATCH', `/api/v1/admin/users/${me.id}`, { role: 'admin' }), 403, 'self_change');
      expectProblem(
        await lead('PATCH', `/api/v1/admin/users/${org.agent2.id}`, { role: 'admin' }),
        403,
        'privilege_escalation',
      );
      expectProblem(
        await lead('POST', '/api/v1/admin/users', {
          email: `boss${Date.now()}@${org.slug}.test`,
          displayName: 'Boss',
          role: 'admin',
        }),
        403,
        'privilege_escalation',
      );
      expectProblem(await lead('POST', `/api/v1/admin/users/${org.admin.id}/mfa/reset`), 403, 'privilege_escalation');
      // Within its own powers it may act: make an agent a requester.
      expect((await lead('PATCH', `/api/v1/admin/users/${org.outsider.id}`, { role: 'requester' })).status).toBe(200);
      await org.admin.api('PATCH', `/api/v1/admin/users/${org.outsider.id}`, { role: 'agent' });
    } finally {
      await org.admin.api('PUT', '/api/v1/admin/roles/team_lead', { permissions: [...DEFAULT_GRANTS.team_lead] });
    }
  });

  it('a holder of role.manage or apikey.manage cannot grant what it does not hold', async () => {
    await org.admin.api('PUT', '/api/v1/admin/roles/requester', {
      permissions: [...DEFAULT_GRANTS.requester, 'role.manage', 'apikey.manage'],
    });
    try {
      const requester = as.requester!;
      expectProblem(
        await requester('PUT', '/api/v1/admin/roles/requester', {
          permissions: [...DEFAULT_GRANTS.requester, 'role.manage', 'user.read'],
        }),
        403,
        'privilege_escalation',
      );
      expectProblem(
        await requester('PUT', '/api/v1/admin/roles/admin', { permissions: ['role.manage', 'user.manage'] }),
        403,
        'privilege_escalation',
      );
      expectProblem(
        await requester('POST', '/api/v1/admin/api-keys', { name: 'mine', scopes: ['incident.read', 'user.read'] }),
        403,
        'privilege_escalation',
      );
      expect(
        (await requester('POST', '/api/v1/admin/api-keys', { name: 'mine', scopes: ['incident.create'] })).status,
      ).toBe(201);
    } finally {
      await org.admin.api('PUT', '/api/v1/admin/roles/requester', { permissions: [...DEFAULT_GRANTS.requester] });
    }
  });
});

describe('requesters', () => {
  it('see only their own incidents and never work notes', async () => {
    const own = await org.requester.api('POST', '/api/v1/incidents', {
      title: 'My laptop',
      impact: 'low',
      urgency: 'low',
    });
    expect(own.status).toBe(201);
    const other = await org.agent.api('POST', '/api/v1/incidents', {
      title: 'Someone else',
      impact: 'low',
      urgency: 'low',
    });
    expect(other.status).toBe(201);
    await org.agent.api('POST', `/api/v1/incidents/${own.body.key}/comments`, {
      body: 'internal only',
      internal: true,
    });
    const list = await org.requester.api('GET', '/api/v1/incidents');
    expect(list.body.items.map((i: any) => i.key)).toEqual([own.body.key]);
    expectProblem(await org.requester.api('GET', `/api/v1/incidents/${other.body.key}`), 404, 'not_found');
    expectProblem(await org.requester.api('GET', `/api/v1/incidents/${other.body.key}/timeline`), 404, 'not_found');
    const timeline = await org.requester.api('GET', `/api/v1/incidents/${own.body.key}/timeline`);
    expect(timeline.body.items.map((e: any) => e.type)).not.toContain('work_note');
    expectProblem(
      await org.requester.api('POST', `/api/v1/incidents/${own.body.key}/comments`, { body: 'sneaky', internal: true }),
      403,
      'forbidden',
    );
  });
});

describe('ticket history', () => {
  it('auditors read who did what in the workflow, without the text of work notes', async () => {
    const inc = await org.agent.api('POST', '/api/v1/incidents', {
      title: 'History check',
      impact: 'low',
      urgency: 'low',
    });
    await org.agent.api('POST', `/api/v1/incidents/${inc.body.key}/comments`, {
      body: 'secret-note-text',
      internal: true,
    });
    await org.agent.api('POST', `/api/v1/incidents/${inc.body.key}/comments`, { body: 'public-reply-text' });
    const seen = await as.auditor!('GET', `/api/v1/incidents/${inc.body.key}/history`);
    expect(seen.status).toBe(200);
    const text = JSON.stringify(seen.body);
    expect(text).not.toContain('secret-note-text');
    expect(text).toContain('public-reply-text');
    expect(
      seen.body.items.filter((e: any) => e.kind === 'update_accepted' && e.details.updateName === 'comment'),
    ).toHaveLength(2);
    expect(seen.body.items.find((e: any) => e.kind === 'workflow_started').actor).toContain(org.agent.email);
    // A team lead (who may read work notes and history) sees the text.
    expect(JSON.stringify((await as.team_lead!('GET', `/api/v1/incidents/${inc.body.key}/history`)).body)).toContain(
      'secret-note-text',
    );
  });
});

describe('API keys', () => {
  it('act within their scopes, are stored hashed, record last use, and stop at once when revoked', async () => {
    const created = await org.admin.api('POST', '/api/v1/admin/api-keys', {
      name: 'monitoring',
      scopes: ['incident.create', 'incident.read'],
    });
    expect(created.status).toBe(201);
    const secret: string = created.body.key;
    expect(secret).toMatch(/^lk_/);
    const key = http(stack.baseUrl, secret);
    const inc = await key('POST', '/api/v1/incidents', {
      title: 'Disk 95% on db-01',
      impact: 'medium',
      urgency: 'high',
    });
    expect(inc.status).toBe(201);
    // Outside its scopes (the integration role could assign; this key may not).
    expectProblem(
      await key('POST', `/api/v1/incidents/${inc.body.key}/assignment`, { assigneeId: org.agent.id }),
      403,
      'forbidden',
    );
    // X-Api-Key works as well as a bearer token.
    const viaHeader = await http(stack.baseUrl)('GET', `/api/v1/incidents/${inc.body.key}`, undefined, {
      'X-Api-Key': secret,
    });
    expect(viaHeader.status).toBe(200);
    const rows = await stack.orm.em.fork().getConnection().execute('select secret_hash from api_keys');
    expect(JSON.stringify(rows)).not.toContain(secret.slice(3));
    const listed = await org.admin.api('GET', '/api/v1/admin/api-keys');
    const mine = listed.body.items.find((k: any) => k.id === created.body.id);
    expect(mine.lastUsedAt).toEqual(expect.any(String));
    expect(JSON.stringify(listed.body)).not.toContain(secret.slice(3));
    expect((await org.admin.api('DELETE', `/api/v1/admin/api-keys/${created.body.id}`)).status).toBe(204);
    expectProblem(await key('GET', `/api/v1/incidents/${inc.body.key}`), 401, 'invalid_api_key');
    // The timeline names the key's service account as the creator.
    const timeline = await org.agent.api('GET', `/api/v1/incidents/${inc.body.key}/timeline`);
    expect(timeline.body.items[0]).toMatchObject({ actorKind: 'user', actorId: created.body.serviceAccountId });
  });

  it('cannot be given scopes beyond the integration role', async () => {
    expectProblem(
      await org.admin.api('POST', '/api/v1/admin/api-keys', { name: 'x', scopes: ['user.manage'] }),
      422,
      'validation_failed',
    );
  });
});
