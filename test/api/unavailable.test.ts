/**
 * When the workflow engine cannot be reached, the API answers 503 problem+json (never 500) and
 * says not ready; nothing is half-created.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client, Connection } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { pino } from 'pino';
import { createApp } from '../../api/app.js';
import { type Orm, openDatabase } from '../../db/orm.js';
import { TEST_DATABASE_URL } from '../support/env.js';
import { freePort } from '../support/global-setup.js';
import { http, startStack, type Stack, type TestOrg } from '../support/stack.js';

let stack: Stack;
let org: TestOrg;
let orm: Orm;
let server: Server;
let base: string;

beforeAll(async () => {
  // A real stack only to create the organization and sign in; the app under test talks to a dead port.
  stack = await startStack({ worker: false });
  org = await stack.createOrg();
  orm = await openDatabase({ url: TEST_DATABASE_URL, poolMax: 2 });
  const deadTemporal = new Client({ connection: Connection.lazy({ address: `127.0.0.1:${await freePort()}` }) });
  const { app } = createApp({
    orm,
    temporal: deadTemporal,
    log: pino({ level: 'silent' }),
    jwtSecret: randomBytes(32).toString('hex'),
    jwtTtlMs: 60_000,
    bcryptCost: 12,
    bodyLimitBytes: 64 * 1024,
    autoCloseAfterMs: 60_000,
  });
  server = await new Promise((ok) => {
    const s = app.listen(0, '127.0.0.1', () => ok(s));
  });
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
}, 120_000);

afterAll(async () => {
  await new Promise((ok) => server?.close(ok));
  await orm?.close();
  await stack?.stop();
});

describe('Temporal unreachable', () => {
  it('answers 503 with Retry-After instead of 500, and readiness says why', async () => {
    const anon = http(base);
    const ready = await anon('GET', '/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body.checks.database).toBe('ok');
    expect(ready.body.checks.temporal).toMatch(/^unavailable/);

    const login = await anon('POST', '/api/v1/auth/login', { email: org.agent.email, password: org.agent.password });
    const api = http(base, login.body.accessToken);
    const res = await api('POST', '/api/v1/incidents', { title: 'Engine down' });
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('temporarily_unavailable');
    expect(res.headers.get('retry-after')).toBe('5');
    expect((await org.agent.api('GET', '/api/v1/incidents')).body.total).toBe(0);
  }, 120_000);
});
