/**
 * Approval flows through the API (issue 13): created with a first draft, saved as new versions,
 * published only without problems (each named at its node), the one published before retired;
 * by permission (agents read, admins design and publish), per tenant, audited.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readyMadeFlows } from '../../workflows/kernel/flow.js';
import { startStack, type Stack, type TestOrg } from '../support/stack.js';

let stack: Stack;
let org: TestOrg;
let other: TestOrg;

beforeAll(async () => {
  stack = await startStack({ worker: false });
  [org, other] = await Promise.all([stack.createOrg(), stack.createOrg()]);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

const [, manager, managerThenTeam] = readyMadeFlows('00000000-0000-4000-8000-000000000001');
/** The manager flow with its rejection path not drawn yet: a draft with one problem, at 'manager'. */
const unfinished = {
  nodes: manager!.flow.nodes.filter((n) => n.id !== 'rejected'),
  edges: manager!.flow.edges.filter((e) => e.when !== 'rejected'),
};

describe('approval flows', () => {
  let id: string;

  it('are created with a first draft whose problems are reported, not refused', async () => {
    const r = await org.admin.api('POST', '/api/v1/flows', { name: 'Laptop approval', definition: unfinished });
    expect(r.status).toBe(201);
    id = r.body.id;
    expect(r.body).toMatchObject({ name: 'Laptop approval', published: null, latest: 1 });
    expect(r.body.versions[0].problems).toEqual([
      expect.objectContaining({ nodeId: 'manager', code: 'outcome_missing' }),
    ]);
    expect(
      (await org.admin.api('POST', '/api/v1/flows', { name: 'Laptop approval', definition: manager!.flow })).body.code,
    ).toBe('name_taken');
  });

  it('publish only without problems: the problems come back at their nodes', async () => {
    const refused = await org.admin.api('POST', `/api/v1/flows/${id}/versions/1/publish`);
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('flow_invalid');
    expect(refused.body.errors).toEqual([{ field: 'nodes.manager', message: expect.stringContaining('rejected') }]);
    const saved = await org.admin.api('POST', `/api/v1/flows/${id}/versions`, { definition: manager!.flow });
    expect(saved.status).toBe(201);
    expect(saved.body.latest).toBe(2);
    const published = await org.admin.api('POST', `/api/v1/flows/${id}/versions/2/publish`);
    expect(published.status).toBe(200);
    expect(published.body.published).toBe(2);
  });

  it('publishing a newer version retires the one before; a published version is not published again', async () => {
    await org.admin.api('POST', `/api/v1/flows/${id}/versions`, { definition: managerThenTeam!.flow });
    const r = await org.admin.api('POST', `/api/v1/flows/${id}/versions/3/publish`);
    expect(r.body.published).toBe(3);
    expect(r.body.versions.map((v: { version: number; state: string }) => [v.version, v.state])).toEqual([
      [3, 'published'],
      [2, 'retired'],
      [1, 'draft'],
    ]);
    expect((await org.admin.api('POST', `/api/v1/flows/${id}/versions/3/publish`)).body.code).toBe(
      'flow_version_state',
    );
    const log = (await org.admin.api('GET', '/api/v1/audit?action=flow.publish&order=desc&limit=5')).body.items;
    expect(log[0]).toMatchObject({ before: { published: 2 }, after: { published: 3 } });
  });

  it('two drafts published at once leave one version published', async () => {
    await org.admin.api('POST', `/api/v1/flows/${id}/versions`, { definition: manager!.flow });
    await org.admin.api('POST', `/api/v1/flows/${id}/versions`, { definition: managerThenTeam!.flow });
    const answers = await Promise.all(
      [4, 5].map((v) => org.admin.api('POST', `/api/v1/flows/${id}/versions/${v}/publish`)),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const flow = (await org.admin.api('GET', `/api/v1/flows/${id}`)).body;
    expect(flow.versions.filter((v: { state: string }) => v.state === 'published')).toHaveLength(1);
  });

  it('refuses what is not a flow, by field', async () => {
    const r = await org.admin.api('POST', `/api/v1/flows/${id}/versions`, {
      definition: { nodes: [{ id: 'start', type: 'teleport' }], edges: [] },
    });
    expect(r.status).toBe(422);
    expect(r.body.code).toBe('validation_failed');
    expect(r.body.errors[0].field).toMatch(/^body\.definition\.nodes/);
  });

  it('are read by agents, designed and published by admins only, and not seen by another organization', async () => {
    expect((await org.agent.api('GET', '/api/v1/flows')).status).toBe(200);
    expect((await org.agent.api('POST', `/api/v1/flows/${id}/versions`, { definition: manager!.flow })).status).toBe(
      403,
    );
    expect((await org.requester.api('GET', '/api/v1/flows')).status).toBe(403);
    expect((await other.admin.api('GET', `/api/v1/flows/${id}`)).status).toBe(404);
    expect((await other.admin.api('GET', '/api/v1/flows')).body.items).toEqual([]);
  });
});
