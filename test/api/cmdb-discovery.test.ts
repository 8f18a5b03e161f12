/**
 * Discovery through the API (issue 15): sources with a precedence report CIs by their own ids; a
 * report is matched by its link, else by an identifier; a field set by a person or a source of
 * higher precedence is kept; duplicates are reported, not doubled; the same report twice changes
 * nothing; each change is in the CI's history; per tenant and by permission.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
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

const report = (o: TestOrg, source: string, items: Record<string, unknown>[]) =>
  o.admin.api('POST', `/api/v1/cmdb/discovery/${source}`, { items });
const server = {
  externalId: 'srv-1',
  classKey: 'server',
  name: 'app01',
  serialNumber: 'SN-APP01',
  hostname: 'app01.example.test',
  attributes: { memory_gb: 64 },
};

describe('discovery', () => {
  it('is configured by admins: sources with a precedence', async () => {
    expect((await org.admin.api('PUT', '/api/v1/cmdb/sources/sccm', { name: 'SCCM', precedence: 100 })).status).toBe(
      200,
    );
    expect(
      (await org.admin.api('PUT', '/api/v1/cmdb/sources/netscan', { name: 'Network scan', precedence: 50 })).status,
    ).toBe(200);
    expect((await org.admin.api('PUT', '/api/v1/cmdb/sources/manual', { name: 'x', precedence: 1 })).status).toBe(400);
    expect(
      (await org.admin.api('PUT', '/api/v1/cmdb/sources/x', { name: 'x', precedence: 1000 })).body.errors[0].field,
    ).toBe('body.precedence');
    expect((await org.agent.api('PUT', '/api/v1/cmdb/sources/mine', { name: 'x', precedence: 5 })).status).toBe(403);
    const list = await org.agent.api('GET', '/api/v1/cmdb/sources');
    expect(list.body.items.map((s: { key: string }) => s.key)).toEqual(['sccm', 'netscan']);
  });

  it('creates what it has not seen, and the same report again changes nothing', async () => {
    const pc = { externalId: 'pc-7', classKey: 'workstation', name: 'PC-7', assetTag: 'AT-7' };
    const first = await report(org, 'sccm', [server, pc]);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ created: 2, updated: 0, unchanged: 0, errors: 0 });
    const id = first.body.items[0].ciId as string;
    const made = await org.agent.api('GET', `/api/v1/cmdb/items/${id}`);
    expect(made.body).toMatchObject({ name: 'app01', status: 'in_use', attributes: { memory_gb: 64 } });
    const again = await report(org, 'sccm', [server, pc]);
    expect(again.body).toMatchObject({ created: 0, updated: 0, unchanged: 2, errors: 0 });
    expect(again.body.items[0]).toMatchObject({ ciId: id, matchedBy: 'link', action: 'unchanged' });
    const sources = await org.agent.api('GET', '/api/v1/cmdb/sources');
    expect(sources.body.items[0]).toMatchObject({ key: 'sccm', cis: 2, lastSeenAt: expect.any(String) });
  });

  it('keeps what an owner set and what a source of higher precedence set; takes the rest', async () => {
    const id = (await report(org, 'sccm', [server])).body.items[0].ciId as string;
    const ci = (await org.agent.api('GET', `/api/v1/cmdb/items/${id}`)).body;
    // The owner sets the location by hand.
    expect(
      (await org.admin.api('PATCH', `/api/v1/cmdb/items/${id}`, { location: 'Rack 1', revision: ci.revision })).status,
    ).toBe(200);
    const moved = await report(org, 'sccm', [{ ...server, location: 'Rack 9', attributes: { memory_gb: 128 } }]);
    expect(moved.body.items[0]).toMatchObject({
      action: 'update',
      changed: ['attributes'],
      kept: [{ field: 'location', by: 'manual' }],
    });

    // A lower source matches by hostname (it has no link yet): it may fill what nobody set, not
    // overwrite what SCCM set.
    const scan = await report(org, 'netscan', [
      {
        externalId: '10.0.0.5',
        classKey: 'server',
        name: 'app01',
        hostname: 'APP01.example.test',
        version: '2.0',
        attributes: { memory_gb: 32 },
      },
    ]);
    expect(scan.body.items[0]).toMatchObject({
      ciId: id,
      matchedBy: 'hostname',
      action: 'update',
      changed: ['version'],
      kept: [{ field: 'attributes.memory_gb', by: 'sccm' }],
    });
    // SCCM outranks the scan's version.
    const back = await report(org, 'sccm', [
      { ...server, version: '3.0', location: 'Rack 9', attributes: { memory_gb: 128 } },
    ]);
    expect(back.body.items[0]).toMatchObject({ action: 'update', changed: ['version'] });
    const now = (await org.agent.api('GET', `/api/v1/cmdb/items/${id}`)).body;
    expect(now).toMatchObject({ location: 'Rack 1', version: '3.0', attributes: { memory_gb: 128 } });
    expect(now.fieldSources).toMatchObject({ location: 'manual', version: 'sccm', 'attributes.memory_gb': 'sccm' });
    expect(now.discoveredAt).toEqual(expect.any(String));

    const history = await org.agent.api('GET', `/api/v1/cmdb/items/${id}/history`);
    expect(history.body.items[0]).toMatchObject({ action: 'cmdb.item.update', reason: 'Discovery: SCCM' });
    expect(history.body.items.some((h: { reason: string | null }) => h.reason === 'Discovery: Network scan')).toBe(
      true,
    );
  });

  it('reports duplicates instead of doubling them', async () => {
    // Another id of SCCM's with the same serial number as srv-1.
    const dup = await report(org, 'sccm', [{ ...server, externalId: 'srv-1-again', hostname: null }]);
    expect(dup.body.items[0]).toMatchObject({ action: 'error', errors: [{ field: 'serialNumber' }] });
    const twice = await report(org, 'sccm', [
      { externalId: 'a', classKey: 'server', name: 'a', serialNumber: 'SN-X' },
      { externalId: 'b', classKey: 'server', name: 'b', serialNumber: 'sn-x' },
      { externalId: 'a', classKey: 'server', name: 'a' },
    ]);
    expect(twice.body.items.map((i: { action: string }) => i.action)).toEqual(['create', 'error', 'error']);
    expect(twice.body.items[1].errors[0].message).toBe('Also reported in this batch as a');
    const found = await org.agent.api('GET', '/api/v1/cmdb/items?q=SN-APP01');
    expect(found.body.total).toBe(1);
    // A class that differs from the CI's is refused, not changed.
    const reclass = await report(org, 'sccm', [{ ...server, classKey: 'workstation' }]);
    expect(reclass.body.items[0]).toMatchObject({ action: 'error', errors: [{ field: 'classKey' }] });
  });

  it('keeps each organization to its own sources, and writes to those who may', async () => {
    expect((await report(other, 'sccm', [server])).status).toBe(404);
    expect((await org.requester.api('POST', '/api/v1/cmdb/discovery/sccm', { items: [server] })).status).toBe(403);
    expect((await report(org, 'sccm', [])).status).toBe(422);
    expect((await report(org, 'sccm', [{ classKey: 'server', name: 'no id' }])).status).toBe(422);
  });
});

describe('saved views of the CI list', () => {
  it('are kept per person, shared on request, replaced by name, removed by their owner only', async () => {
    const mine = await org.agent.api('POST', '/api/v1/views', {
      scope: 'cmdb.items',
      name: 'Servers in use',
      query: { class: 'server', status: 'in_use' },
    });
    expect(mine.status).toBe(201);
    expect(mine.body).toMatchObject({ mine: true, shared: false });
    const again = await org.agent.api('POST', '/api/v1/views', {
      scope: 'cmdb.items',
      name: 'Servers in use',
      query: { class: 'server' },
      shared: true,
    });
    expect(again.body.id).toBe(mine.body.id);
    const theirs = await org.admin.api('GET', '/api/v1/views?scope=cmdb.items');
    expect(theirs.body.items).toEqual([
      expect.objectContaining({ name: 'Servers in use', query: { class: 'server' }, shared: true, mine: false }),
    ]);
    expect((await org.admin.api('DELETE', `/api/v1/views/${mine.body.id}`)).status).toBe(404);
    expect((await other.agent.api('GET', '/api/v1/views?scope=cmdb.items')).body.items).toEqual([]);
    // A requester reads no CI list, so keeps no view of it.
    expect((await org.requester.api('GET', '/api/v1/views?scope=cmdb.items')).status).toBe(403);
    expect(
      (await org.agent.api('POST', '/api/v1/views', { scope: 'cmdb.items', name: 'x', query: { 'a-b': '1' } })).status,
    ).toBe(422);
    expect((await org.agent.api('DELETE', `/api/v1/views/${mine.body.id}`)).status).toBe(204);
    expect((await org.agent.api('GET', '/api/v1/views?scope=cmdb.items')).body.items).toEqual([]);
  });
});
