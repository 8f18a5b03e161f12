/**
 * Tenancy: organization A's most privileged user tries to reach each resource type of
 * organization B by id, list, search and workflow id, and gets 404 or nothing. The ORM's tenant
 * filter is checked directly for every tenant-owned entity.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TENANT_ENTITIES } from '../../db/entities/index.js';
import { TENANT_FILTER } from '../../db/orm.js';
import { ORG_SEARCH_ATTRIBUTE } from '../../workflows/incident/messages.js';
import { expectProblem } from '../support/problems.js';
import { startStack, type Stack, type TestOrg } from '../support/stack.js';

let stack: Stack;
let a: TestOrg;
let b: TestOrg;
const bRes: { incidentKey?: string; workflowId?: string; apiKeyId?: string; secondTeamId?: string } = {};

beforeAll(async () => {
  stack = await startStack();
  [a, b] = await Promise.all([stack.createOrg(), stack.createOrg()]);
  // B has incidents, an API key, a second team, audit entries; A has nothing of its own yet.
  const inc = await b.agent.api('POST', '/api/v1/incidents', {
    title: 'Secret merger server down',
    description: 'zebra-unicorn',
    impact: 'high',
    urgency: 'high',
  });
  expect(inc.status).toBe(201);
  bRes.incidentKey = inc.body.key;
  bRes.workflowId = inc.body.workflowId;
  await b.agent.api('POST', `/api/v1/incidents/${inc.body.key}/comments`, { body: 'B internal', internal: true });
  const key = await b.admin.api('POST', '/api/v1/admin/api-keys', { name: 'B key', scopes: ['incident.read'] });
  bRes.apiKeyId = key.body.id;
  const team = await b.admin.api('POST', '/api/v1/admin/teams', { name: 'B Network' });
  bRes.secondTeamId = team.body.id;
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('API: another organization’s resources are 404 or absent', () => {
  it('incidents by number, by workflow id, in lists and in search', async () => {
    const api = a.admin.api;
    const wf = encodeURIComponent(bRes.workflowId!);
    for (const path of [
      `/api/v1/incidents/${bRes.incidentKey}`,
      `/api/v1/incidents/${wf}`,
      `/api/v1/incidents/${wf}/timeline`,
      `/api/v1/incidents/${wf}/state`,
      `/api/v1/incidents/${wf}/history`,
      `/api/v1/incidents/${bRes.incidentKey}/history`,
    ]) {
      expectProblem(await api('GET', path), 404, 'not_found');
    }
    for (const [path, body] of [
      [`/api/v1/incidents/${wf}/transitions`, { to: 'in_progress' }],
      [`/api/v1/incidents/${wf}/assignment`, { assigneeId: a.agent.id }],
      [`/api/v1/incidents/${wf}/comments`, { body: 'hello?' }],
      [`/api/v1/incidents/${bRes.incidentKey}/comments`, { body: 'hello?' }],
    ] as const) {
      expectProblem(await api('POST', path, body), 404, 'not_found');
    }
    expect((await api('GET', '/api/v1/incidents')).body.items).toEqual([]);
    expect((await api('GET', '/api/v1/incidents?q=zebra-unicorn')).body.items).toEqual([]);
    expect((await api('GET', '/api/v1/incidents?q=Secret')).body.items).toEqual([]);
    // B's own search does find it (the search works; it is the tenant that hides it).
    expect((await b.admin.api('GET', '/api/v1/incidents?q=zebra-unicorn')).body.items).toHaveLength(1);
    // Nothing B did shows in A's incident numbering either: A's first incident is INC-1.
    const mine = await a.agent.api('POST', '/api/v1/incidents', { title: 'A one', impact: 'low', urgency: 'low' });
    expect(mine.body.key).toBe('INC-1');
    const same = await a.admin.api('GET', `/api/v1/incidents/${encodeURIComponent(`${a.slug}/INC-1`)}`);
    expect(same.body.title).toBe('A one');
  });

  it('users, teams, members, API keys, sessions', async () => {
    const api = a.admin.api;
    for (const [method, path, body] of [
      ['GET', `/api/v1/admin/users/${b.agent.id}`, undefined],
      ['PATCH', `/api/v1/admin/users/${b.agent.id}`, { displayName: 'pwned' }],
      ['POST', `/api/v1/admin/users/${b.agent.id}/unlock`, undefined],
      ['POST', `/api/v1/admin/users/${b.agent.id}/mfa/reset`, undefined],
      ['POST', `/api/v1/admin/users/${b.agent.id}/sessions/revoke`, undefined],
      ['PATCH', `/api/v1/admin/teams/${b.teamId}`, { name: 'pwned' }],
      ['DELETE', `/api/v1/admin/teams/${bRes.secondTeamId}`, undefined],
      ['PUT', `/api/v1/admin/teams/${b.teamId}/members/${a.agent.id}`, { skills: [] }],
      ['PUT', `/api/v1/admin/teams/${a.teamId}/members/${b.agent.id}`, { skills: [] }],
      ['DELETE', `/api/v1/admin/teams/${b.teamId}/members/${b.agent.id}`, undefined],
      ['DELETE', `/api/v1/admin/api-keys/${bRes.apiKeyId}`, undefined],
    ] as const) {
      const res = await api(method, path, body);
      expect({ method, path, status: res.status, code: res.body?.code }).toEqual({
        method,
        path,
        status: 404,
        code: 'not_found',
      });
    }
    const ids = (list: any) => JSON.stringify(list.body);
    for (const path of [
      '/api/v1/admin/users',
      '/api/v1/users',
      '/api/v1/admin/teams',
      '/api/v1/teams',
      '/api/v1/admin/api-keys',
    ]) {
      const body = ids(await api('GET', path));
      expect(body).not.toContain(b.agent.id);
      expect(body).not.toContain(b.teamId);
      expect(body).not.toContain(bRes.apiKeyId!);
    }
    // Assigning to B's people or team is refused as unknown.
    const inc = await a.agent.api('POST', '/api/v1/incidents', { title: 'A two', impact: 'low', urgency: 'low' });
    const assign = await a.agent.api('POST', `/api/v1/incidents/${inc.body.key}/assignment`, {
      assigneeId: b.agent.id,
      teamId: b.teamId,
    });
    expectProblem(assign, 422, 'validation_failed');
    // B's user still has its name, and B's sessions still work.
    expect((await b.agent.api('GET', '/api/v1/me')).body.displayName).toBe('agent');
  });

  it('audit log, its verification and export, and role grants', async () => {
    const api = a.admin.api;
    const all = await api('GET', '/api/v1/audit?limit=500');
    expect(JSON.stringify(all.body)).not.toContain(b.id);
    expect(JSON.stringify(all.body)).not.toContain(bRes.workflowId!);
    expect((await api('GET', `/api/v1/audit?targetId=${encodeURIComponent(bRes.workflowId!)}`)).body.items).toEqual([]);
    const exp = await api('GET', '/api/v1/audit/export?format=json');
    expect(JSON.stringify(exp.body)).not.toContain(bRes.workflowId!);
    // Each organization has its own chain, starting at 1.
    const va = await api('GET', '/api/v1/audit/verify');
    const vb = await b.admin.api('GET', '/api/v1/audit/verify');
    expect(va.body).toMatchObject({ ok: true });
    expect(vb.body).toMatchObject({ ok: true });
    const firstB = await b.admin.api('GET', '/api/v1/audit?limit=1');
    expect(firstB.body.items[0].seq).toBe(1);
    // A role change in A leaves B's grants alone.
    await api('PUT', '/api/v1/admin/roles/cab_member', { permissions: ['incident.read'] });
    const rolesB = await b.admin.api('GET', '/api/v1/admin/roles');
    expect(rolesB.body.roles.find((r: any) => r.role === 'cab_member').isDefault).toBe(true);
  });

  it('a token of one organization never reads another (the organization comes from the credential)', async () => {
    const res = await a.agent.api('GET', '/api/v1/incidents', undefined, {
      'X-Organization': b.slug,
      'X-Org-Id': b.id,
    });
    expect(JSON.stringify(res.body)).not.toContain(bRes.workflowId!);
  });
});

describe('Temporal: workflows carry their organization', () => {
  it('in the workflow id and the LintasOrg search attribute, so visibility can be scoped by tenant', async () => {
    const handle = stack.client.workflow.getHandle(bRes.workflowId!);
    expect(bRes.workflowId!.startsWith(`${b.slug}/`)).toBe(true);
    expect((await handle.describe()).typedSearchAttributes.get(ORG_SEARCH_ATTRIBUTE)).toBe(b.slug);
    const seen: string[] = [];
    // Visibility is eventually consistent: poll briefly until B's workflow is listed.
    for (let i = 0; i < 50 && !seen.includes(bRes.workflowId!); i++) {
      seen.length = 0;
      for await (const w of stack.client.workflow.list({ query: `LintasOrg = '${b.slug}'` })) seen.push(w.workflowId);
      if (!seen.includes(bRes.workflowId!)) await new Promise((r) => setTimeout(r, 100));
    }
    expect(seen).toContain(bRes.workflowId!);
    expect(seen.every((id) => id.startsWith(`${b.slug}/`))).toBe(true);
  });
});

describe('ORM: the tenant filter', () => {
  it('returns only the organization’s own rows for every tenant-owned entity', async () => {
    for (const entity of TENANT_ENTITIES) {
      const em = stack.orm.em.fork();
      em.setFilterParams(TENANT_FILTER, { orgId: a.id });
      const rows = (await em.find(entity as any, {}, { limit: 1000 })) as { organization: { id: string } }[];
      expect(rows.every((r) => r.organization.id === a.id)).toBe(true);
    }
  });

  it('fails closed when no organization is set', async () => {
    for (const entity of TENANT_ENTITIES) {
      await expect(stack.orm.em.fork().find(entity as any, {})).rejects.toThrow();
    }
  });
});
