/**
 * Approval flows through the API (issues 13 and 14): one draft per flow saved with its revision —
 * a save or a publish made from an older revision is refused with the draft as it stands, never
 * overwritten silently; publishing copies the draft into an immutable numbered version (audited,
 * `flow.publish`) once it has no problem; dry runs and what-ifs on the request engine; by
 * permission, per tenant.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readyMadeFlows } from '../../workflows/kernel/flow.js';
import { addHardwareTeam } from '../support/request-fixtures.js';
import { startStack, type Stack, type TestOrg } from '../support/stack.js';

let stack: Stack;
let org: TestOrg;
let other: TestOrg;
let people: Awaited<ReturnType<typeof addHardwareTeam>>;

beforeAll(async () => {
  stack = await startStack({ worker: false });
  [org, other] = await Promise.all([stack.createOrg(), stack.createOrg()]);
  people = await addHardwareTeam(stack, org);
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

  it('are created with a draft (revision 1) whose problems are reported, not refused; nothing is published', async () => {
    const r = await org.admin.api('POST', '/api/v1/flows', { name: 'Laptop approval', definition: unfinished });
    expect(r.status).toBe(201);
    id = r.body.id;
    expect(r.body).toMatchObject({ name: 'Laptop approval', published: null, latest: 0, versions: [] });
    expect(r.body.draft).toMatchObject({ revision: 1, savedBy: { id: org.admin.id } });
    expect(r.body.draft.problems).toEqual([expect.objectContaining({ nodeId: 'manager', code: 'outcome_missing' })]);
    expect(
      (await org.admin.api('POST', '/api/v1/flows', { name: 'Laptop approval', definition: manager!.flow })).body.code,
    ).toBe('name_taken');
  });

  it('publish only without problems: the problems come back at their nodes', async () => {
    const refused = await org.admin.api('POST', `/api/v1/flows/${id}/publish`, { revision: 1 });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('flow_invalid');
    expect(refused.body.errors).toEqual([{ field: 'nodes.manager', message: expect.stringContaining('rejected') }]);
    const saved = await org.admin.api('PUT', `/api/v1/flows/${id}/draft`, { definition: manager!.flow, revision: 1 });
    expect(saved.status).toBe(200);
    expect(saved.body.draft).toMatchObject({ revision: 2, problems: [] });
    const published = await org.admin.api('POST', `/api/v1/flows/${id}/publish`, { revision: 2 });
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({ published: 1, latest: 1, unpublishedChanges: false });
    expect(published.body.versions[0]).toMatchObject({
      version: 1,
      state: 'published',
      publishedBy: { id: org.admin.id },
    });
    // The same draft again is not a new version.
    expect((await org.admin.api('POST', `/api/v1/flows/${id}/publish`, { revision: 2 })).body.code).toBe(
      'flow_unchanged',
    );
  });

  it('a save from an older revision is refused with the draft as it stands; saving from that revision overwrites', async () => {
    const stale = await org.admin.api('PUT', `/api/v1/flows/${id}/draft`, { definition: unfinished, revision: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('draft_conflict');
    expect(stale.body.current).toMatchObject({ revision: 2, savedBy: { id: org.admin.id } });
    expect(stale.body.current.definition.nodes.map((n: { id: string }) => n.id)).toContain('rejected');
    const after = (await org.admin.api('GET', `/api/v1/flows/${id}`)).body;
    expect(after.draft.revision).toBe(2);
    const overwrite = await org.admin.api('PUT', `/api/v1/flows/${id}/draft`, {
      definition: managerThenTeam!.flow,
      revision: stale.body.current.revision,
    });
    expect(overwrite.status).toBe(200);
    expect(overwrite.body).toMatchObject({ draft: { revision: 3 }, unpublishedChanges: true });
  });

  it('two saves from the same revision at once: one is taken, the other refused', async () => {
    const answers = await Promise.all(
      [manager!.flow, managerThenTeam!.flow].map((definition) =>
        org.admin.api('PUT', `/api/v1/flows/${id}/draft`, { definition, revision: 3 }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
  });

  it('a publish made from an older revision is refused: nobody publishes a draft they have not seen', async () => {
    const r = await org.admin.api('POST', `/api/v1/flows/${id}/publish`, { revision: 3 });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('draft_conflict');
    expect(r.body.current.revision).toBe(4);
  });

  it('publishing a newer version retires the one before, audited', async () => {
    await org.admin.api('PUT', `/api/v1/flows/${id}/draft`, { definition: managerThenTeam!.flow, revision: 4 });
    const r = await org.admin.api('POST', `/api/v1/flows/${id}/publish`, { revision: 5 });
    expect(r.status).toBe(200);
    expect(r.body.versions.map((v: { version: number; state: string }) => [v.version, v.state])).toEqual([
      [2, 'published'],
      [1, 'retired'],
    ]);
    const log = (await org.admin.api('GET', '/api/v1/audit?action=flow.publish&order=desc&limit=5')).body.items;
    expect(log[0]).toMatchObject({ before: { published: 1 }, after: { published: 2, revision: 5 } });
    const saves = (await org.admin.api('GET', '/api/v1/audit?action=flow.draft&order=desc&limit=1')).body.items;
    expect(saves[0]).toMatchObject({ before: { revision: 4 }, after: { revision: 5 } });
  });

  it('two publishes of one draft at once make one version', async () => {
    await org.admin.api('PUT', `/api/v1/flows/${id}/draft`, { definition: manager!.flow, revision: 5 });
    const answers = await Promise.all(
      [1, 2].map(() => org.admin.api('POST', `/api/v1/flows/${id}/publish`, { revision: 6 })),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const flow = (await org.admin.api('GET', `/api/v1/flows/${id}`)).body;
    expect(flow.versions.map((v: { version: number }) => v.version)).toEqual([3, 2, 1]);
    expect(flow.versions.filter((v: { state: string }) => v.state === 'published')).toHaveLength(1);
  });

  it('refuses what is not a flow, by field', async () => {
    const r = await org.admin.api('PUT', `/api/v1/flows/${id}/draft`, {
      definition: { nodes: [{ id: 'start', type: 'teleport' }], edges: [] },
      revision: 6,
    });
    expect(r.status).toBe(422);
    expect(r.body.code).toBe('validation_failed');
    expect(r.body.errors[0].field).toMatch(/^body\.definition\.nodes/);
    expect((await org.admin.api('PUT', `/api/v1/flows/${id}/draft`, { definition: manager!.flow })).status).toBe(422);
  });

  it('are read by agents, designed and published by admins only, and not seen by another organization', async () => {
    expect((await org.agent.api('GET', '/api/v1/flows')).status).toBe(200);
    expect(
      (await org.agent.api('PUT', `/api/v1/flows/${id}/draft`, { definition: manager!.flow, revision: 6 })).status,
    ).toBe(403);
    expect((await org.agent.api('POST', `/api/v1/flows/${id}/publish`, { revision: 6 })).status).toBe(403);
    expect((await org.requester.api('GET', '/api/v1/flows')).status).toBe(403);
    expect((await other.admin.api('GET', `/api/v1/flows/${id}`)).status).toBe(404);
    expect((await other.admin.api('GET', '/api/v1/flows')).body.items).toEqual([]);
    expect(
      (await other.admin.api('PUT', `/api/v1/flows/${id}/draft`, { definition: manager!.flow, revision: 6 })).status,
    ).toBe(404);
  });
});

describe('dry runs', () => {
  let id: string;
  const finance = () => readyMadeFlows(people.teamId).find((f) => f.key === 'manager-then-finance')!.flow;

  beforeAll(async () => {
    const r = await org.admin.api('POST', '/api/v1/flows', { name: 'Costly things', definition: finance() });
    id = r.body.id;
  });

  it('play the draft with the live directory: the manager, then the team above the cost, each named', async () => {
    const r = await org.admin.api('POST', `/api/v1/flows/${id}/dry-run`, {
      requesterId: org.requester.id,
      answers: { cost: 1500 },
      startAt: '2026-12-07T09:00:00Z',
    });
    expect(r.status).toBe(200);
    expect(r.body.outcome).toBe('completed');
    expect(r.body.path).toEqual(['start', 'manager', 'costly', 'finance', 'fulfil', 'completed']);
    expect(r.body.steps.map((s: { nodeId: string }) => s.nodeId)).toEqual(['manager', 'finance', 'fulfil']);
    expect(r.body.steps[0].asked).toEqual([
      { userId: people.manager.id, name: 'Maya Manager', onBehalfOf: null, onBehalfOfName: null },
    ]);
    expect(r.body.steps[1].asked.map((a: { name: string }) => a.name)).toEqual(['Ana', 'Budi', 'Citra']);
    expect(r.body.steps[2].team).toEqual({ id: people.teamId, name: 'Hardware' });
  });

  it('take the other branch below the cost, and stop where a step is rejected', async () => {
    const cheap = await org.admin.api('POST', `/api/v1/flows/${id}/dry-run`, {
      requesterId: org.requester.id,
      answers: { cost: 200 },
    });
    expect(cheap.body.path).toEqual(['start', 'manager', 'costly', 'fulfil', 'completed']);
    const no = await org.admin.api('POST', `/api/v1/flows/${id}/dry-run`, {
      requesterId: org.requester.id,
      answers: { cost: 5000 },
      decisions: { finance: 'reject' },
    });
    expect(no.body).toMatchObject({ outcome: 'rejected' });
    expect(no.body.path.at(-1)).toBe('rejected');
  });

  it('show when a deadline falls on the calendar, and who it escalates to', async () => {
    const f = finance();
    const withDeadline = {
      ...f,
      nodes: f.nodes.map((n) =>
        n.id === 'manager'
          ? { ...n, deadline: { businessMinutes: 240, outcome: 'escalate' as const, escalateTo: people.members[2].id } }
          : n,
      ),
    };
    const r = await org.admin.api('POST', `/api/v1/flows/${id}/dry-run`, {
      definition: withDeadline,
      requesterId: org.requester.id,
      answers: { cost: 10 },
      decisions: { manager: 'deadline' },
      startAt: '2026-12-07T08:00:00Z',
    });
    expect(r.status).toBe(200);
    expect(r.body.steps[0].deadlineAt).toEqual(expect.any(String));
    expect(r.body.steps[0].escalatedTo).toEqual({ id: people.members[2].id, name: 'Citra' });
    expect(r.body.steps[0].answeredBy.map((a: { name: string }) => a.name)).toEqual(['Citra']);
  });

  it('refuse a graph with problems, a person not in the organization, and an unknown item', async () => {
    expect(
      (
        await org.admin.api('POST', `/api/v1/flows/${id}/dry-run`, {
          definition: unfinished,
          requesterId: org.requester.id,
        })
      ).body.code,
    ).toBe('flow_invalid');
    const stranger = await org.admin.api('POST', `/api/v1/flows/${id}/dry-run`, { requesterId: other.requester.id });
    expect(stranger.body.errors).toEqual([expect.objectContaining({ field: 'requesterId' })]);
    const noItem = await org.admin.api('POST', `/api/v1/flows/${id}/dry-run`, {
      requesterId: org.requester.id,
      itemKey: 'nope',
    });
    expect(noItem.body.errors).toEqual([expect.objectContaining({ field: 'itemKey' })]);
    expect((await org.agent.api('POST', `/api/v1/flows/${id}/dry-run`, { requesterId: org.requester.id })).status).toBe(
      403,
    );
  });

  it('what-if over requests in flight answers even with none', async () => {
    const r = await org.admin.api('POST', `/api/v1/flows/${id}/what-if`, {});
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ checked: 0, differs: [] });
  });
});
