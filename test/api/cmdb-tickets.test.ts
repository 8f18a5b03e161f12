/**
 * Tickets use the CMDB (issue 15): an incident names the configuration items it affects (checked:
 * in the organization, not retired for a new one), edits them on its timeline, is found by CI in
 * the queue and on the CI's page, and shows in the impact answer on the CIs it names.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startStack, type Stack, type TestOrg } from '../support/stack.js';

let stack: Stack;
let org: TestOrg;
let other: TestOrg;

beforeAll(async () => {
  stack = await startStack();
  [org, other] = await Promise.all([stack.createOrg(), stack.createOrg()]);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

const ci = async (o: TestOrg, name: string, classKey: string, extra: Record<string, unknown> = {}) => {
  const r = await o.admin.api('POST', '/api/v1/cmdb/items', { name, classKey, status: 'in_use', ...extra });
  if (r.status !== 201) throw new Error(`${name}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as { id: string; revision: number };
};

describe('incidents on configuration items', () => {
  it('name their CIs, are found by CI, and show on the CI and in its impact', async () => {
    const db = await ci(org, 'Orders DB', 'database');
    const app = await ci(org, 'Orders app', 'application');
    const svc = await ci(org, 'Online ordering', 'business_service', { criticality: 'high' });
    expect(
      (await org.admin.api('POST', '/api/v1/cmdb/relations', { type: 'depends_on', fromId: app.id, toId: db.id }))
        .status,
    ).toBe(201);
    expect(
      (await org.admin.api('POST', '/api/v1/cmdb/relations', { type: 'supports', fromId: app.id, toId: svc.id }))
        .status,
    ).toBe(201);

    const made = await org.agent.api('POST', '/api/v1/incidents', {
      title: 'Orders DB slow',
      ciIds: [db.id],
      assigneeId: org.agent.id,
      teamId: org.teamId,
    });
    expect(made.status).toBe(201);
    expect(made.body.ciIds).toEqual([db.id]);
    const key = made.body.key as string;

    const found = await org.agent.api('GET', `/api/v1/incidents?ciId=${db.id}`);
    expect(found.body.items.map((i: { key: string }) => i.key)).toEqual([key]);
    expect((await org.agent.api('GET', `/api/v1/incidents?ciId=${app.id}`)).body.items).toEqual([]);

    const tickets = await org.agent.api('GET', `/api/v1/cmdb/items/${db.id}/tickets`);
    expect(tickets.status).toBe(200);
    expect(tickets.body.items).toEqual([
      expect.objectContaining({ type: 'incident', key, title: 'Orders DB slow', status: 'assigned', open: true }),
    ]);

    // The impact of the CI down names the open incident on it; the service reached is graded.
    const impact = await org.agent.api('GET', `/api/v1/cmdb/impact?down=${db.id}`);
    expect(impact.status).toBe(200);
    expect(impact.body.failed[0].incidents).toEqual([expect.objectContaining({ key, title: 'Orders DB slow' })]);
    expect(impact.body.affected.map((a: { ci: { name: string } }) => a.ci.name)).toEqual(
      expect.arrayContaining(['Orders app', 'Online ordering']),
    );

    // Editing the list: on the timeline as a change from the old list to the new.
    const rev = (await org.agent.api('GET', `/api/v1/incidents/${key}`)).body.revision as number;
    const edited = await org.agent.api('PATCH', `/api/v1/incidents/${key}`, { ciIds: [db.id, app.id], revision: rev });
    expect(edited.status).toBe(200);
    expect(edited.body.ciIds).toEqual([db.id, app.id]);
    const timeline = await org.agent.api('GET', `/api/v1/incidents/${key}/timeline`);
    const edit = timeline.body.items.find((e: { type: string }) => e.type === 'edited');
    expect(edit.data.changes.ciIds).toEqual({ from: [db.id], to: [db.id, app.id] });
    expect((await org.agent.api('GET', `/api/v1/incidents?ciId=${app.id}`)).body.items).toHaveLength(1);

    // Resolved, it leaves the open list and stays among the recent ones.
    const started = await org.agent.api('POST', `/api/v1/incidents/${key}/transitions`, { to: 'in_progress' });
    expect(started.status).toBe(200);
    const resolved = await org.agent.api('POST', `/api/v1/incidents/${key}/transitions`, {
      to: 'resolved',
      resolutionCode: 'solved',
      resolutionNotes: 'Index rebuilt',
    });
    expect(resolved.status).toBe(200);
    const after = await org.agent.api('GET', `/api/v1/cmdb/items/${db.id}/tickets`);
    expect(after.body.items).toEqual([expect.objectContaining({ key, status: 'resolved', open: false })]);
    expect((await org.agent.api('GET', `/api/v1/cmdb/impact?down=${db.id}`)).body.failed[0].incidents).toEqual([]);
  });

  it('refuse an unknown CI, another organization’s, and a retired one named anew', async () => {
    const theirs = await ci(other, 'Their DB', 'database');
    const unknown = await org.agent.api('POST', '/api/v1/incidents', { title: 'x', ciIds: [theirs.id] });
    expect(unknown.status).toBe(422);
    expect(unknown.body).toMatchObject({ code: 'validation_failed', errors: [{ field: 'ciIds.0' }] });
    const twice = await org.agent.api('POST', '/api/v1/incidents', {
      title: 'x',
      ciIds: [theirs.id, theirs.id],
    });
    expect(twice.status).toBe(422);
    expect(twice.body.errors[0]).toMatchObject({ field: 'body.ciIds', message: 'each CI once' });

    const old = await ci(org, 'Old printer', 'printer');
    const moved = await org.admin.api('PATCH', `/api/v1/cmdb/items/${old.id}`, {
      status: 'retired',
      revision: old.revision,
    });
    expect(moved.status).toBe(200);
    const refused = await org.agent.api('POST', '/api/v1/incidents', { title: 'Paper jam', ciIds: [old.id] });
    expect(refused.status).toBe(422);
    expect(refused.body.errors[0].message).toMatch(/retired/);

    // A CI the incident already names may stay after it is retired.
    const live = await ci(org, 'Kiosk', 'workstation');
    const inc = await org.agent.api('POST', '/api/v1/incidents', { title: 'Kiosk frozen', ciIds: [live.id] });
    expect(inc.status).toBe(201);
    await org.admin.api('PATCH', `/api/v1/cmdb/items/${live.id}`, { status: 'retired', revision: live.revision });
    const kept = await org.agent.api('PATCH', `/api/v1/incidents/${inc.body.key}`, {
      ciIds: [live.id],
      title: 'Kiosk frozen again',
      revision: inc.body.revision,
    });
    expect(kept.status).toBe(200);
    expect(kept.body.ciIds).toEqual([live.id]);
  });

  it('keep the CI page’s tickets to those who may read them, per organization', async () => {
    const mine = await ci(org, 'Mail relay', 'server');
    await org.agent.api('POST', '/api/v1/incidents', { title: 'Relay queue', ciIds: [mine.id] });
    expect((await org.requester.api('GET', `/api/v1/cmdb/items/${mine.id}/tickets`)).status).toBe(403);
    expect((await other.agent.api('GET', `/api/v1/cmdb/items/${mine.id}/tickets`)).status).toBe(404);
    expect((await other.agent.api('GET', `/api/v1/incidents?ciId=${mine.id}`)).body.items).toEqual([]);
  });
});

describe('requests on configuration items', () => {
  it('a catalog form’s CI field offers the requester’s own CIs of its class; the request names the CI', async () => {
    const cat = await org.admin.api('POST', '/api/v1/catalog/categories', { key: 'repairs', name: { en: 'Repairs' } });
    expect(cat.status).toBe(201);
    const mineLaptop = await ci(org, 'Laptop of the requester', 'workstation', { ownerUserId: org.requester.id });
    const theirLaptop = await ci(org, 'Laptop of an agent', 'workstation', { ownerUserId: org.agent.id });
    const server = await ci(org, 'Server of the requester', 'server', { ownerUserId: org.requester.id });
    const item = await org.admin.api('POST', '/api/v1/catalog/items', {
      key: 'repair',
      categoryId: cat.body.id,
      name: { en: 'Repair my laptop' },
      fulfilmentTeamId: org.teamId,
      fields: [
        {
          id: 'laptop',
          type: 'ci',
          label: { en: 'Which laptop?' },
          required: true,
          ciClass: 'workstation',
          ciMine: true,
        },
      ],
    });
    expect(item.status).toBe(201);
    // ciClass belongs to CI fields only.
    const misplaced = await org.admin.api('POST', '/api/v1/catalog/items', {
      key: 'misplaced',
      categoryId: cat.body.id,
      name: { en: 'Misplaced' },
      fields: [{ id: 'a', type: 'text', label: { en: 'A' }, ciClass: 'server' }],
    });
    expect(misplaced.status).toBe(422);

    const offered = await org.requester.api('GET', '/api/v1/portal/catalog/repair/fields/laptop/cis?q=laptop');
    expect(offered.status).toBe(200);
    expect(offered.body.items.map((c: { name: string }) => c.name)).toEqual(['Laptop of the requester']);
    expect((await org.requester.api('GET', '/api/v1/portal/catalog/repair/fields/nope/cis')).status).toBe(404);

    for (const [id, message] of [
      [theirLaptop.id, 'Pick one of your own configuration items'],
      [server.id, 'Pick a configuration item of the kind asked'],
    ] as const) {
      const refused = await org.requester.api('POST', '/api/v1/requests', { item: 'repair', answers: { laptop: id } });
      expect(refused.status).toBe(422);
      expect(refused.body.errors).toEqual([{ field: 'answers.laptop', message }]);
    }
    const ordered = await org.requester.api('POST', '/api/v1/requests', {
      item: 'repair',
      answers: { laptop: mineLaptop.id },
    });
    expect(ordered.status).toBe(201);
    expect(ordered.body).toMatchObject({
      ciIds: [mineLaptop.id],
      namedCis: { [mineLaptop.id]: 'Laptop of the requester' },
    });
    const tickets = await org.agent.api('GET', `/api/v1/cmdb/items/${mineLaptop.id}/tickets`);
    expect(tickets.body.items).toEqual([
      expect.objectContaining({ type: 'request', key: ordered.body.key, title: 'Repair my laptop', open: true }),
    ]);
    // Another organization's requester finds no such item.
    expect((await other.requester.api('GET', '/api/v1/portal/catalog/repair/fields/laptop/cis')).status).toBe(404);
  });
});
