/**
 * The CMDB through the API (issue 15): classes with inherited attributes, CIs judged by their
 * class, identifiers unique where set, the lifecycle, relations by allowed class pairs and without
 * impossible cycles, ended (never deleted) and read as of a past moment, redundancy groups, the
 * history of a CI, graded impact, by permission, per tenant.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ReminderSync, resyncReminders } from '../../api/cmdb/reminders.js';
import { ciRemindersWorkflowId } from '../../workflows/cmdb/messages.js';
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

const ci = async (name: string, classKey: string, extra: Record<string, unknown> = {}) => {
  const r = await org.admin.api('POST', '/api/v1/cmdb/items', { name, classKey, status: 'in_use', ...extra });
  if (r.status !== 201) throw new Error(`${name}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as { id: string; revision: number };
};
const relate = (type: string, fromId: string, toId: string, extra: Record<string, unknown> = {}) =>
  org.admin.api('POST', '/api/v1/cmdb/relations', { type, fromId, toId, ...extra });

describe('classes', () => {
  it('ships the tree; an admin adds a class below a shipped one and attributes to a shipped one', async () => {
    const tree = await org.agent.api('GET', '/api/v1/cmdb/classes');
    expect(tree.status).toBe(200);
    expect(tree.body.items.map((c: { key: string }) => c.key)).toEqual(
      expect.arrayContaining(['ci', 'server', 'network_device', 'licence', 'business_service', 'document']),
    );
    const made = await org.admin.api('POST', '/api/v1/cmdb/classes', {
      key: 'blade',
      name: { en: 'Blade server', id: 'Server blade' },
      parent: 'server',
      attributes: [{ key: 'slot', label: { en: 'Slot' }, type: 'number', required: true }],
    });
    expect(made.status).toBe(201);
    expect(made.body.attributes.map((a: { key: string }) => a.key)).toEqual([
      'manufacturer',
      'model',
      'cpu_cores',
      'memory_gb',
      'operating_system',
      'ip_address',
      'slot',
    ]);
    const added = await org.admin.api('PATCH', '/api/v1/cmdb/classes/server', {
      attributes: [{ key: 'rack_unit', label: { en: 'Rack unit' }, type: 'number' }],
    });
    expect(added.status).toBe(200);
    expect(added.body.attributes.at(-1)).toMatchObject({ key: 'rack_unit' });
    // The blade inherits what was added to server.
    const again = await org.admin.api('GET', '/api/v1/cmdb/classes');
    expect(
      again.body.items.find((c: { key: string }) => c.key === 'blade').attributes.map((a: { key: string }) => a.key),
    ).toContain('rack_unit');
  });

  it('refuses a missing parent, a redefined inherited key, a shipped key, and an agent', async () => {
    const orphan = await org.admin.api('POST', '/api/v1/cmdb/classes', {
      key: 'orphan',
      name: { en: 'Orphan' },
      parent: 'nothing',
    });
    expect(orphan.status).toBe(422);
    expect(orphan.body).toMatchObject({ code: 'class_invalid', errors: [{ field: 'parent' }] });
    const dup = await org.admin.api('POST', '/api/v1/cmdb/classes', {
      key: 'vm',
      name: { en: 'VM' },
      parent: 'server',
      attributes: [{ key: 'model', label: { en: 'Model' }, type: 'text' }],
    });
    expect(dup.body).toMatchObject({ code: 'class_invalid', errors: [{ field: 'attributes.model' }] });
    expect(
      (await org.admin.api('POST', '/api/v1/cmdb/classes', { key: 'server', name: { en: 'S' }, parent: 'ci' })).body
        .code,
    ).toBe('key_taken');
    expect(
      (await org.agent.api('POST', '/api/v1/cmdb/classes', { key: 'x', name: { en: 'X' }, parent: 'ci' })).status,
    ).toBe(403);
  });
});

describe('configuration items', () => {
  it('are judged by their class: required, typed and referenced attributes, known owners', async () => {
    const bad = await org.admin.api('POST', '/api/v1/cmdb/items', {
      name: 'blade-1',
      classKey: 'blade',
      attributes: { slot: 'three', colour: 'red', memory_gb: 64 },
      ownerTeamId: other.teamId,
    });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'attributes.colour',
      'attributes.slot',
      'ownerTeamId',
    ]);
    const good = await org.admin.api('POST', '/api/v1/cmdb/items', {
      name: 'blade-1',
      classKey: 'blade',
      attributes: { slot: 3, memory_gb: 64 },
      ownerUserId: org.agent.id,
      ownerTeamId: org.teamId,
      criticality: 'high',
      serialNumber: ' SN-100 ',
      warrantyEnd: '2027-03-31',
    });
    expect(good.status).toBe(201);
    expect(good.body).toMatchObject({
      classKey: 'blade',
      className: { en: 'Blade server' },
      status: 'planned',
      serialNumber: 'SN-100',
      owner: { id: org.agent.id, name: 'agent' },
      ownerTeam: { id: org.teamId, name: 'Service Desk' },
      revision: 1,
    });
  });

  it('keep identifiers unique where set, whatever the case; another organization may reuse them', async () => {
    const twin = await org.admin.api('POST', '/api/v1/cmdb/items', {
      name: 'twin',
      classKey: 'server',
      serialNumber: 'sn-100',
    });
    expect(twin.status).toBe(409);
    expect(twin.body).toMatchObject({ code: 'identifier_taken', errors: [{ field: 'serialNumber' }] });
    await ci('no-serial-1', 'server');
    await ci('no-serial-2', 'server');
    const elsewhere = await other.admin.api('POST', '/api/v1/cmdb/items', {
      name: 'x',
      classKey: 'server',
      serialNumber: 'SN-100',
    });
    expect(elsewhere.status).toBe(201);
  });

  it('move through the lifecycle, an edit naming the revision it was made from, each change in the history', async () => {
    const s = await ci('db-host', 'server', { hostname: 'db01.example.test' });
    const moved = await org.admin.api('PATCH', `/api/v1/cmdb/items/${s.id}`, {
      revision: s.revision,
      status: 'maintenance',
      location: 'DC1 row 4',
      reason: 'disk replacement',
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ status: 'maintenance', location: 'DC1 row 4', revision: 2 });
    const stale = await org.admin.api('PATCH', `/api/v1/cmdb/items/${s.id}`, { revision: 1, location: 'DC2' });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ code: 'revision_conflict', current: { revision: 2, location: 'DC1 row 4' } });
    const back = await org.admin.api('PATCH', `/api/v1/cmdb/items/${s.id}`, { revision: 2, status: 'planned' });
    expect(back.status).toBe(409);
    expect(back.body.code).toBe('invalid_transition');
    const history = await org.agent.api('GET', `/api/v1/cmdb/items/${s.id}/history`);
    expect(history.body.items[0]).toMatchObject({
      action: 'cmdb.item.update',
      actor: org.admin.email,
      before: { status: 'in_use', location: null },
      after: { status: 'maintenance', location: 'DC1 row 4' },
      reason: 'disk replacement',
    });
    expect(history.body.items.at(-1)).toMatchObject({ action: 'cmdb.item.create' });
  });

  it('tell a reminder workflow of each CI with an end date, and again when the date moves', async () => {
    const lic = await ci('office-suite', 'licence', { licenceExpiry: '2027-01-31' });
    const handle = stack.client.workflow.getHandle(ciRemindersWorkflowId(org.id, lic.id));
    expect((await handle.describe()).status.name).toBe('RUNNING');
    const moved = await org.admin.api('PATCH', `/api/v1/cmdb/items/${lic.id}`, {
      revision: 1,
      licenceExpiry: '2028-01-31',
    });
    expect(moved.status).toBe(200);
    const signals: unknown[] = [];
    for await (const e of (await handle.fetchHistory()).events ?? [])
      if (e.workflowExecutionSignaledEventAttributes)
        signals.push(e.workflowExecutionSignaledEventAttributes.signalName);
    expect(signals).toEqual(['ciDates', 'ciDates']);
    // A CI with no date starts none.
    const plain = await ci('plain-server', 'server');
    await expect(stack.client.workflow.getHandle(ciRemindersWorkflowId(org.id, plain.id)).describe()).rejects.toThrow();
  });

  it('a change Temporal missed is told by the sweep', async () => {
    const lic = await ci('db-licence', 'licence');
    // As if Temporal had been down when the date was set: the row is ahead of its workflow.
    await stack.orm.em
      .fork()
      .getConnection()
      .execute(`update cmdb_items set support_end = '2027-05-01', revision = revision + 1 where id = ?`, [lic.id]);
    const told = await resyncReminders(stack.orm, new ReminderSync(stack.client, stack.taskQueue));
    expect(told).toBeGreaterThanOrEqual(1);
    const handle = stack.client.workflow.getHandle(ciRemindersWorkflowId(org.id, lic.id));
    expect((await handle.describe()).status.name).toBe('RUNNING');
    const [row] = await stack.orm.em
      .fork()
      .getConnection()
      .execute<{ behind: boolean }[]>(
        'select reminders_revision is distinct from revision as behind from cmdb_items where id = ?',
        [lic.id],
      );
    expect(row!.behind).toBe(false);
  });

  it('list by class (with those below it), status and name', async () => {
    const servers = await org.agent.api('GET', '/api/v1/cmdb/items?class=server&limit=100');
    expect(servers.status).toBe(200);
    expect(servers.body.items.map((i: { name: string }) => i.name)).toEqual(
      expect.arrayContaining(['blade-1', 'db-host', 'no-serial-1']),
    );
    const maint = await org.agent.api('GET', '/api/v1/cmdb/items?status=maintenance');
    expect(maint.body.items.map((i: { name: string }) => i.name)).toEqual(['db-host']);
    const bySerial = await org.agent.api('GET', '/api/v1/cmdb/items?q=sn-1');
    expect(bySerial.body.items.map((i: { name: string }) => i.name)).toEqual(['blade-1']);
    expect((await org.agent.api('GET', '/api/v1/cmdb/items?status=lost')).status).toBe(400);
  });
});

describe('import and export', () => {
  const file = [
    'name,class,status,criticality,owner,ownerTeam,serialNumber,hostname,warrantyEnd,attr:memory_gb',
    `app01,server,in_use,high,${'agent'}@x,,SRV-001,app01.example.test,2027-06-30,32`,
    'app02,server,in_use,medium,,Service Desk,SRV-002,app02.example.test,,16',
    'broken,nothing,in_use,medium,,,SRV-003,,2027-13-01,',
    'app01-again,server,in_use,low,,,srv-001,,,',
  ];
  const csv = (lines: string[]) => lines.join('\r\n');

  it('dry-runs first: a report a row, nothing written', async () => {
    const lines = [...file];
    lines[1] = lines[1]!.replace('agent@x', org.agent.email);
    const r = await org.admin.api('POST', '/api/v1/cmdb/import', { csv: csv(lines) });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ dryRun: true, created: 2, errors: 2 });
    expect(r.body.rows.map((x: { line: number; action: string }) => `${x.line}:${x.action}`)).toEqual([
      '2:create',
      '3:create',
      '4:error',
      '5:error',
    ]);
    expect(r.body.rows[2].errors.map((e: { field: string }) => e.field).sort()).toEqual(['class', 'warrantyEnd']);
    expect(r.body.rows[3].errors).toEqual([{ field: 'serialNumber', message: 'Row 2 has the same serialNumber' }]);
    expect((await org.agent.api('GET', '/api/v1/cmdb/items?q=app0')).body.total).toBe(0);
  });

  it('imports the good rows, and the same file again changes nothing; a changed cell updates its CI', async () => {
    const lines = file.slice(0, 3);
    lines[1] = lines[1]!.replace('agent@x', org.agent.email);
    const first = await org.admin.api('POST', '/api/v1/cmdb/import', { csv: csv(lines), dryRun: false });
    expect(first.body).toMatchObject({ dryRun: false, created: 2, errors: 0 });
    const app01 = (await org.agent.api('GET', '/api/v1/cmdb/items?q=SRV-001')).body.items[0];
    expect(app01).toMatchObject({
      name: 'app01',
      owner: { id: org.agent.id },
      warrantyEnd: '2027-06-30',
      attributes: { memory_gb: 32 },
      criticality: 'high',
    });
    const again = await org.admin.api('POST', '/api/v1/cmdb/import', { csv: csv(lines), dryRun: false });
    expect(again.body).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
    // The identifier in another case is the same CI: more memory, and it goes to maintenance.
    const changed = await org.admin.api('POST', '/api/v1/cmdb/import', {
      csv: csv(['serialNumber,status,attr:memory_gb', 'srv-001,maintenance,64']),
      dryRun: false,
    });
    expect(changed.body.rows[0]).toMatchObject({ action: 'update', ciId: app01.id, changed: ['status', 'attributes'] });
    const now = (await org.agent.api('GET', `/api/v1/cmdb/items/${app01.id}`)).body;
    expect(now).toMatchObject({ status: 'maintenance', attributes: { memory_gb: 64 }, revision: app01.revision + 1 });
    expect((await org.admin.api('POST', '/api/v1/cmdb/import', { csv: 'colour\nred' })).body.code).toBe(
      'import_invalid',
    );
  });

  it('exports what the list shows in the columns it imports, and the export imports back unchanged', async () => {
    const r = await org.agent.api('GET', '/api/v1/cmdb/export?class=server');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/csv/);
    const text = String(r.body);
    expect(text.split('\r\n')[0]).toMatch(/^id,name,class,status,criticality,owner,ownerTeam,/);
    expect(text).toContain('"app01","server","maintenance","high"');
    expect(text).toContain('"no-serial-1","server"');
    const back = await org.admin.api('POST', '/api/v1/cmdb/import', { csv: text, dryRun: true });
    expect(back.body.rows.filter((x: { action: string }) => x.action === 'error')).toEqual([]);
    expect(back.body.created + back.body.updated).toBe(0);
  });
});

describe('relations and impact', () => {
  let shop: string, app: string, web1: string, web2: string, db: string, dbhost: string, farm: string;

  beforeAll(async () => {
    shop = (await ci('Web shop', 'business_service', { criticality: 'critical' })).id;
    app = (await ci('shop-app', 'application')).id;
    web1 = (await ci('web1', 'server')).id;
    web2 = (await ci('web2', 'server')).id;
    db = (await ci('shop-db', 'database')).id;
    dbhost = (await ci('dbhost', 'server')).id;
  });

  it('relate only the classes a type allows, refuse twins and self, and a cycle where none may be', async () => {
    expect((await relate('supports', app, shop)).status).toBe(201);
    const wrong = await relate('hosted_on', web1, app);
    expect(wrong.status).toBe(422);
    expect(wrong.body).toMatchObject({
      code: 'relation_not_allowed',
      detail: expect.stringMatching(/^Server cannot be hosted on Application/),
    });
    expect((await relate('supports', app, shop)).body.code).toBe('relation_exists');
    expect((await relate('depends_on', app, app)).status).toBe(422);
    // contains: rack ⊃ chassis ⊃ blade; blade ⊃ rack would close a cycle.
    const rack = (await ci('rack', 'hardware')).id;
    const chassis = (await ci('chassis', 'hardware')).id;
    expect((await relate('contains', rack, chassis)).status).toBe(201);
    expect((await relate('contains', chassis, web2)).status).toBe(201);
    const cycle = await relate('contains', web2, rack);
    expect(cycle.status).toBe(409);
    expect(cycle.body).toMatchObject({ code: 'relation_cycle', cycle: [web2, rack, chassis, web2] });
    expect(cycle.body.detail).toBe('This would close a cycle of contains: web2 → rack → chassis → web2');
  });

  it('grade impact through a redundancy group: one member down degrades, all down is down', async () => {
    const g = await org.admin.api('POST', '/api/v1/cmdb/groups', { ciId: app, name: 'web farm', minUp: 1 });
    expect(g.status).toBe(201);
    farm = g.body.id;
    expect((await relate('hosted_on', app, web1, { groupId: farm })).status).toBe(201);
    expect((await relate('hosted_on', app, web2, { groupId: farm })).status).toBe(201);
    expect((await relate('uses', app, db)).status).toBe(201);
    expect((await relate('hosted_on', db, dbhost)).status).toBe(201);
    const members = await org.agent.api('GET', `/api/v1/cmdb/items/${app}/groups`);
    expect(members.body.items[0].members.map((m: { name: string }) => m.name).sort()).toEqual(['web1', 'web2']);

    const one = await org.agent.api('GET', `/api/v1/cmdb/impact?down=${web1}`);
    expect(one.status).toBe(200);
    const grade = (body: { affected: { ci: { name: string }; grade: string }[] }) =>
      Object.fromEntries(body.affected.map((a) => [a.ci.name, a.grade]));
    expect(grade(one.body)).toEqual({ 'Web shop': 'degraded', 'shop-app': 'degraded' });
    expect(one.body.affected.find((a: { ci: { name: string } }) => a.ci.name === 'shop-app')).toMatchObject({
      reason: '1 of 2 in web farm down, needs 1',
      path: [{ name: 'web1' }, { name: 'shop-app' }],
    });
    // The most critical first: the shop (critical) before the app.
    expect(one.body.affected[0].ci).toMatchObject({ name: 'Web shop', service: true, criticality: 'critical' });
    expect(one.body.services).toBe(1);

    const both = await org.agent.api('GET', `/api/v1/cmdb/impact?down=${web1},${web2}`);
    expect(grade(both.body)).toEqual({ 'Web shop': 'down', 'shop-app': 'down' });
    const viaDb = await org.agent.api('GET', `/api/v1/cmdb/impact?down=${dbhost}&depth=2`);
    expect(grade(viaDb.body)).toEqual({ 'shop-db': 'down', 'shop-app': 'degraded' });
  });

  it('end a relation: gone from now on, still there as of before', async () => {
    const rels = await org.agent.api('GET', `/api/v1/cmdb/items/${db}/relations`);
    const uses = rels.body.items.find((r: { type: string }) => r.type === 'uses');
    expect(uses).toMatchObject({
      from: { name: 'shop-app' },
      to: { name: 'shop-db' },
      reading: 'uses',
      inverse: 'used by',
    });
    const before = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    const ended = await org.admin.api('POST', `/api/v1/cmdb/relations/${uses.id}/end`, {
      reason: 'moved to the new database',
    });
    expect(ended.status).toBe(200);
    expect((await org.admin.api('POST', `/api/v1/cmdb/relations/${uses.id}/end`, {})).body.code).toBe('relation_ended');
    const now = await org.agent.api('GET', `/api/v1/cmdb/impact?down=${dbhost}`);
    expect(now.body.affected.map((a: { ci: { name: string } }) => a.ci.name)).toEqual(['shop-db']);
    const then = await org.agent.api('GET', `/api/v1/cmdb/impact?down=${dbhost}&at=${encodeURIComponent(before)}`);
    expect(then.body.affected.map((a: { ci: { name: string } }) => a.ci.name)).toContain('shop-app');
    expect(
      (await org.agent.api('GET', `/api/v1/cmdb/items/${db}/relations?at=${encodeURIComponent(before)}`)).body.items,
    ).toHaveLength(2);
    const history = await org.agent.api('GET', `/api/v1/cmdb/items/${app}/history`);
    expect(history.body.items[0]).toMatchObject({ action: 'cmdb.relation.end', reason: 'moved to the new database' });
    const deps = await org.agent.api('GET', `/api/v1/cmdb/items/${shop}/dependencies`);
    // The shop relies on its app, the app on its farm, web2 on the chassis it is in, the chassis on its rack.
    expect(
      deps.body.items.map((d: { depth: number; ci: { name: string } }) => `${d.depth}:${d.ci.name}`).sort(),
    ).toEqual(['1:shop-app', '2:web1', '2:web2', '3:chassis', '4:rack']);
  });

  it('scores data quality per class: missing required attributes, no owner, orphans, stale', async () => {
    const h = await org.agent.api('GET', '/api/v1/cmdb/health');
    expect(h.status).toBe(200);
    const of = (key: string) => h.body.classes.find((c: { classKey: string }) => c.classKey === key);
    // The blade has its owner and its required slot, but no relation.
    expect(of('blade')).toMatchObject({
      total: 1,
      score: 0,
      counts: { missingRequired: 0, noOwner: 0, orphan: 1, stale: 0 },
    });
    // The business service is related and unowned.
    expect(of('business_service')).toMatchObject({ total: 1, counts: { noOwner: 1, orphan: 0 } });
    expect(of('business_service').examples.noOwner).toEqual([{ id: shop, name: 'Web shop' }]);
    // Nothing here is older than 90 days.
    expect(h.body.classes.every((c: { counts: { stale: number } }) => c.counts.stale === 0)).toBe(true);
    expect((await org.agent.api('GET', '/api/v1/cmdb/health?staleDays=0')).status).toBe(400);
  });

  it('keeps each organization to itself, and writes to those who may', async () => {
    expect((await other.admin.api('GET', `/api/v1/cmdb/items/${app}`)).status).toBe(404);
    expect((await other.admin.api('GET', `/api/v1/cmdb/items/${app}/relations`)).status).toBe(404);
    expect((await other.admin.api('GET', `/api/v1/cmdb/items/${app}/history`)).status).toBe(404);
    expect((await other.admin.api('GET', `/api/v1/cmdb/impact?down=${app}`)).status).toBe(400);
    const theirs = await other.admin.api('POST', '/api/v1/cmdb/items', { name: 'theirs', classKey: 'server' });
    expect((await relate('depends_on', app, theirs.body.id)).status).toBe(422);
    expect((await other.admin.api('POST', '/api/v1/cmdb/groups', { ciId: app, name: 'x', minUp: 1 })).status).toBe(422);
    expect((await other.admin.api('PATCH', `/api/v1/cmdb/groups/${farm}`, { minUp: 2 })).status).toBe(404);
    expect((await org.agent.api('POST', '/api/v1/cmdb/items', { name: 'x', classKey: 'server' })).status).toBe(403);
    expect((await org.requester.api('GET', '/api/v1/cmdb/items')).status).toBe(403);
    // Its health counts its own CIs only.
    expect((await other.admin.api('GET', '/api/v1/cmdb/health')).body.classes).toMatchObject([
      { classKey: 'server', total: 2 },
    ]);
  });
});
