/**
 * Attachments through the API against PostgreSQL and a real worker: files streamed to storage in
 * chunks, typed by their bytes (a renamed executable or an HTML page is refused whatever it claims),
 * held to the organization's size limit with nothing left behind, downloaded only as downloads,
 * readable like their ticket (the requester's own, the desk's, never another organization's),
 * audited; a form's file answer joins the request it is submitted with.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { startStack, type Stack, type TestOrg } from '../support/stack.js';

let stack: Stack;
let org: TestOrg;
let other: TestOrg;
let incidentKey = '';

const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  randomBytes(600 * 1024), // more than two chunks
]);

/** Sends a raw file as the body, with the caller's token (the JSON helper sends JSON). */
async function upload(
  who: TestOrg['admin'],
  path: string,
  body: Buffer | string,
  type: string,
  filename: string,
): Promise<{ status: number; body: Record<string, unknown> & { code?: string; id?: string } }> {
  const token = await tokenOf(who);
  const res = await fetch(`${stack.baseUrl}/api/v1${path}?filename=${encodeURIComponent(filename)}`, {
    method: 'POST',
    headers: { 'content-type': type, authorization: `Bearer ${token}` },
    body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
const tokens = new Map<string, string>();
async function tokenOf(who: TestOrg['admin']): Promise<string> {
  if (!tokens.has(who.email)) tokens.set(who.email, (await stack.login(who.email)).body.accessToken as string);
  return tokens.get(who.email)!;
}
async function download(who: TestOrg['admin'], id: string) {
  const res = await fetch(`${stack.baseUrl}/api/v1/attachments/${id}`, {
    headers: { authorization: `Bearer ${await tokenOf(who)}` },
  });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

beforeAll(async () => {
  stack = await startStack();
  [org, other] = await Promise.all([stack.createOrg(), stack.createOrg()]);
  const r = await org.requester.api('POST', '/api/v1/incidents', { title: 'Screen flickers' });
  incidentKey = r.body.key;
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('attachments', () => {
  let pngId = '';

  it('stream a file to a ticket in chunks, typed by its bytes, and give it back only as a download', async () => {
    const up = await upload(
      org.requester,
      `/incidents/${incidentKey}/attachments`,
      PNG,
      'application/octet-stream',
      '../../screen shot.png',
    );
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ filename: 'screen shot.png', contentType: 'image/png', size: PNG.length });
    expect(up.body['sha256']).toBe(createHash('sha256').update(PNG).digest('hex'));
    pngId = up.body.id!;
    const rows = await stack.orm.em
      .fork()
      .execute<{ n: string }[]>('select count(*) as n from attachment_chunks where attachment_id = ?', [pngId]);
    expect(Number(rows[0]!.n)).toBe(3);

    const got = await download(org.agent, pngId);
    expect(got.status).toBe(200);
    expect(got.bytes.equals(PNG)).toBe(true);
    expect(got.headers.get('content-type')).toBe('image/png');
    expect(got.headers.get('content-disposition')).toMatch(/^attachment; filename="screen shot.png"/);
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    const list = await org.requester.api('GET', `/api/v1/incidents/${incidentKey}/attachments`);
    expect(list.body.items.map((a: { id: string }) => a.id)).toEqual([pngId]);
  });

  it('are read like their ticket: not by other requesters, not by another organization', async () => {
    expect((await download(other.admin, pngId)).status).toBe(404);
    expect((await other.admin.api('GET', `/api/v1/incidents/${incidentKey}/attachments`)).status).toBe(404);
    const agentsOwn = await org.agent2.api('POST', '/api/v1/incidents', { title: 'Mine' });
    const up = await upload(
      org.agent2,
      `/incidents/${agentsOwn.body.key}/attachments`,
      'log line\n',
      'text/plain',
      'log.txt',
    );
    expect(up.status).toBe(201);
    expect((await download(org.requester, up.body.id!)).status).toBe(404);
  });

  it('refuse executables and active content whatever they claim, and what the organization does not accept', async () => {
    const exe = Buffer.concat([Buffer.from('MZ'), randomBytes(100)]);
    const a = await upload(org.requester, `/incidents/${incidentKey}/attachments`, exe, 'image/png', 'cat.png');
    expect(a.status).toBe(415);
    expect(a.body.code).toBe('attachment_type');
    const html = await upload(
      org.requester,
      `/incidents/${incidentKey}/attachments`,
      '<html><script>alert(1)</script>',
      'text/plain',
      'a.txt',
    );
    expect(html.status).toBe(415);
    const svg = await upload(
      org.requester,
      `/incidents/${incidentKey}/attachments`,
      '<?xml version="1.0"?><svg onload="x"/>',
      'image/svg+xml',
      'a.svg',
    );
    expect(svg.status).toBe(415);
    await org.admin.api('PATCH', '/api/v1/admin/settings', { attachments: { allowedTypes: ['application/pdf'] } });
    const png = await upload(
      org.requester,
      `/incidents/${incidentKey}/attachments`,
      PNG.subarray(0, 2000),
      'image/png',
      'b.png',
    );
    expect(png.status).toBe(415);
    expect(String(png.body['detail'])).toContain('image/png');
    const bad = await org.admin.api('PATCH', '/api/v1/admin/settings', {
      attachments: { allowedTypes: ['text/html'] },
    });
    expect(bad.status).toBe(422);
  });

  it('hold to the size limit and leave nothing of a refused upload', async () => {
    await org.admin.api('PATCH', '/api/v1/admin/settings', {
      attachments: { maxBytes: 300 * 1024, allowedTypes: ['image/png', 'text/plain'] },
    });
    const before = await stack.orm.em.fork().execute<{ n: string }[]>('select count(*) as n from attachment_chunks');
    const big = await upload(org.requester, `/incidents/${incidentKey}/attachments`, PNG, 'image/png', 'big.png');
    expect(big.status).toBe(413);
    expect(big.body.code).toBe('attachment_too_large');
    // Without a Content-Length the limit is met while streaming: the chunks written so far are rolled back.
    const token = await tokenOf(org.requester);
    const streamed = await fetch(`${stack.baseUrl}/api/v1/incidents/${incidentKey}/attachments?filename=s.png`, {
      method: 'POST',
      headers: { 'content-type': 'image/png', authorization: `Bearer ${token}` },
      body: new ReadableStream({
        start(c) {
          for (let i = 0; i < 5; i++) c.enqueue(PNG.subarray(i * 100 * 1024, (i + 1) * 100 * 1024));
          c.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    const after = await stack.orm.em.fork().execute<{ n: string }[]>('select count(*) as n from attachment_chunks');
    expect(after[0]!.n).toBe(before[0]!.n);
    const empty = await upload(org.requester, `/incidents/${incidentKey}/attachments`, '', 'text/plain', 'e.txt');
    expect(empty.status).toBe(422);
  });

  it('are audited on upload and download', async () => {
    const log = (await org.admin.api('GET', '/api/v1/audit?action=attachment.download&order=desc&limit=5')).body.items;
    expect(log[0]).toMatchObject({ targetId: pngId, action: 'attachment.download' });
    const up = (await org.admin.api('GET', '/api/v1/audit?action=attachment.upload&order=asc&limit=5')).body.items;
    expect(up[0]).toMatchObject({ targetId: pngId, after: expect.objectContaining({ contentType: 'image/png' }) });
  });

  it('answer a form’s file field and join the request it is submitted with', async () => {
    const cat = await org.admin.api('POST', '/api/v1/catalog/categories', { key: 'access', name: { en: 'Access' } });
    const item = await org.admin.api('POST', '/api/v1/catalog/items', {
      key: 'badge',
      categoryId: cat.body.id,
      name: { en: 'Door badge' },
      fields: [{ id: 'photo', type: 'attachment', label: { en: 'Photo' }, required: true }],
    });
    expect(item.status).toBe(201);
    const file = await upload(org.requester, '/attachments', 'a photo, honestly', 'text/plain', 'me.txt');
    expect(file.status).toBe(201);
    // Someone else's upload cannot be named.
    const theirs = await upload(org.agent, '/attachments', 'not yours', 'text/plain', 'x.txt');
    const refused = await org.requester.api('POST', '/api/v1/requests', {
      item: 'badge',
      answers: { photo: theirs.body.id },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.errors[0].field).toBe('answers.photo');
    const r = await org.requester.api('POST', '/api/v1/requests', { item: 'badge', answers: { photo: file.body.id } });
    expect(r.status).toBe(201);
    const files = await org.requester.api('GET', `/api/v1/requests/${r.body.key}/attachments`);
    expect(files.body.items).toEqual([expect.objectContaining({ id: file.body.id, fieldId: 'photo' })]);
    expect((await download(org.agent, file.body.id!)).status).toBe(200);
    expect((await download(other.admin, file.body.id!)).status).toBe(404);
  });
});
