/**
 * The web app from the API's origin (ui/dist, built by the test command) and the live event
 * stream it follows: client routes get index.html with the app's CSP, assets are cached, the API
 * keeps its own answers, and a change to an incident arrives on the stream.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { get } from 'node:http';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { startStack, type Stack, type TestOrg } from '../support/stack.js';

const uiDir = fileURLToPath(new URL('../../../ui/dist', import.meta.url));
let stack: Stack;
let org: TestOrg;

beforeAll(async () => {
  stack = await startStack({ app: { uiDir } });
  org = await stack.createOrg();
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('web app', () => {
  it('serves the app for client routes, its assets with long caching, and leaves the API alone', async () => {
    for (const path of ['/', '/console', '/portal/INC-1', '/rate/abc']) {
      const res = await fetch(`${stack.baseUrl}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(res.headers.get('cache-control')).toBe('no-cache');
      const html = await res.text();
      expect(html).toContain('<div id="app"></div>');
      const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
      expect(asset).toBeDefined();
      const js = await fetch(`${stack.baseUrl}${asset}`);
      expect(js.status).toBe(200);
      expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
      expect(js.headers.get('cache-control')).toContain('immutable');
    }
    expect((await fetch(`${stack.baseUrl}/assets/missing-123.js`)).status).toBe(404);
    // Scripts go out gzipped to clients that accept it, and as they are to others.
    const html = await (await fetch(`${stack.baseUrl}/`)).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const raw = await new Promise<{ encoding?: string; vary?: string; bytes: Buffer }>((resolve, reject) => {
      get(`${stack.baseUrl}${script}`, { headers: { 'accept-encoding': 'gzip, br' } }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (b: Buffer) => parts.push(b));
        res.on('end', () =>
          resolve({
            encoding: res.headers['content-encoding'],
            vary: res.headers['vary'],
            bytes: Buffer.concat(parts),
          }),
        );
      }).on('error', reject);
    });
    const plain = Buffer.from(
      await (await fetch(`${stack.baseUrl}${script}`, { headers: { 'accept-encoding': 'identity' } })).arrayBuffer(),
    );
    expect(raw.encoding).toBe('gzip');
    expect(raw.vary).toMatch(/Accept-Encoding/i);
    expect(raw.bytes.length).toBeLessThan(plain.length / 2);
    expect(gunzipSync(raw.bytes).equals(plain)).toBe(true);
    expect((await fetch(`${stack.baseUrl}/../../package.json`)).headers.get('content-type')).toMatch(/^text\/html/);
    const api = await fetch(`${stack.baseUrl}/api/v1/nothing-here`);
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(api.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    // Another API version, or /api itself, is the API's too: problem+json, never the app's HTML.
    for (const path of ['/api/v2/incidents', '/api', '/api/', '/api/v1']) {
      const other = await fetch(`${stack.baseUrl}${path}`);
      expect({ path, status: other.status, type: other.headers.get('content-type') }).toEqual({
        path,
        status: 404,
        type: 'application/problem+json',
      });
      expect(((await other.json()) as { code: string }).code).toBe('route_not_found');
    }
  });

  it('streams incident changes to signed-in staff; requesters only hear of their own', async () => {
    const open = async (token: string) => {
      const controller = new AbortController();
      const res = await fetch(`${stack.baseUrl}/api/v1/events`, {
        headers: { authorization: `Bearer ${token}` },
        signal: controller.signal,
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/event-stream');
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      let text = '';
      // One read outstanding at a time, so no chunk is dropped when a wait times out.
      let pending: ReturnType<typeof reader.read> | null = null;
      return {
        async until(pattern: RegExp, ms = 10_000) {
          const stopAt = Date.now() + ms;
          while (!pattern.test(text)) {
            if (Date.now() > stopAt) throw new Error(`no ${pattern} in ${text}`);
            pending ??= reader.read();
            const r = await Promise.race([pending, new Promise<null>((ok) => setTimeout(() => ok(null), 500))]);
            if (r) {
              pending = null;
              text += r.value ?? '';
            }
          }
          return text;
        },
        text: () => text,
        close: () => controller.abort(),
      };
    };
    const agentLogin = await stack.login(org.agent.email);
    const requesterLogin = await stack.login(org.requester.email);
    const agent = await open(agentLogin.body.accessToken);
    const requester = await open(requesterLogin.body.accessToken);
    try {
      const theirs = await org.agent.api('POST', '/api/v1/incidents', { title: 'Agent-raised' });
      const mine = await org.requester.api('POST', '/api/v1/incidents', { title: 'Requester-raised' });
      await agent.until(new RegExp(`"key":"${theirs.body.key}"`));
      await agent.until(new RegExp(`"key":"${mine.body.key}"`));
      await requester.until(new RegExp(`"key":"${mine.body.key}","revision":1`));
      await org.agent.api('POST', `/api/v1/incidents/${mine.body.key}/comments`, { body: 'On it' });
      await requester.until(new RegExp(`"key":"${mine.body.key}","revision":2`));
      expect(requester.text()).not.toContain(`"key":"${theirs.body.key}"`);
    } finally {
      agent.close();
      requester.close();
    }
    expect((await fetch(`${stack.baseUrl}/api/v1/events`)).status).toBe(401);
  });
});
