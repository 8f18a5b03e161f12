/**
 * A real stack for a test file: the test PostgreSQL database, the shared Temporal dev server, a
 * worker on a task queue of its own, and the Koa API listening on a loopback port.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { pino } from 'pino';
import { createActivities } from '../../activities/index.js';
import { WORKER_TUNING } from '../../deploy/worker.js';
import type { Mailer } from '../../activities/kernel/notify.js';
import { type AppDeps, createApp } from '../../api/app.js';
import { hashPassword } from '../../api/platform/auth.js';
import { Organization, Team, TeamMember, User, type Role } from '../../db/entities/index.js';
import { type Orm, TENANT_FILTER, openDatabase } from '../../db/orm.js';
import { TEST_DATABASE_URL, devServerAddress, workflowBundlePath } from './env.js';

export interface HttpResult<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** A tiny JSON client over real HTTP. */
export function http(baseUrl: string, token?: string) {
  return async function call<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<HttpResult<T>> {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    if (res.headers.get('content-type')?.startsWith('text/event-stream')) {
      // A live stream never ends by itself: report its status and close it.
      await res.body?.cancel();
      return { status: res.status, headers: res.headers, body: undefined as T };
    }
    const text = await res.text();
    // JSON answers are parsed; anything else (a CSV export) is handed back as text.
    const json = /json/.test(res.headers.get('content-type') ?? '');
    return { status: res.status, headers: res.headers, body: text ? (json ? JSON.parse(text) : text) : undefined };
  };
}
export type Http = ReturnType<typeof http>;

export interface TestUser {
  id: string;
  email: string;
  password: string;
  role: Role;
  api: Http;
}

export interface TestOrg {
  id: string;
  /** Adds incident categories to the organization's managed list (Admin → Categories). */
  addCategories(...names: string[]): Promise<void>;
  slug: string;
  teamId: string;
  admin: TestUser;
  agent: TestUser;
  agent2: TestUser;
  requester: TestUser;
  outsider: TestUser;
}

export interface Stack {
  baseUrl: string;
  orm: Orm;
  client: Client;
  taskQueue: string;
  logs: string[];
  app: ReturnType<typeof createApp>;
  createOrg(): Promise<TestOrg>;
  /** Signs in over HTTP; returns the login answer (tokens or the MFA step). */
  login(email: string, password?: string): Promise<HttpResult>;
  startWorker(): Promise<() => Promise<void>>;
  stop(): Promise<void>;
}

export const PASSWORD = 'correct horse battery staple';

export async function startStack(
  opts: {
    autoCloseAfterMs?: number;
    worker?: boolean;
    temporalAddress?: string;
    app?: Partial<AppDeps>;
    /** E-mail for the worker's notifications (a real SMTP server in the tests that read mail). */
    mailer?: Mailer;
  } = {},
): Promise<Stack> {
  const jwtSecret = randomBytes(32).toString('hex');
  const orm = await openDatabase({ url: TEST_DATABASE_URL, poolMax: 5 });
  const taskQueue = `test-${randomUUID()}`;
  const address = opts.temporalAddress ?? devServerAddress();
  const stops: (() => Promise<unknown>)[] = [];

  async function startWorker() {
    const connection = await NativeConnection.connect({ address });
    const worker = await Worker.create({
      connection,
      taskQueue,
      workflowBundle: { codePath: workflowBundlePath() },
      ...WORKER_TUNING,
      activities: createActivities({ orm, mailer: opts.mailer ?? null, linkSecret: jwtSecret }),
    });
    const running = worker.run();
    let stopped = false;
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      worker.shutdown();
      await running;
      await connection.close();
    };
    stops.push(stop);
    return stop;
  }
  if (opts.worker !== false) await startWorker();

  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  const logs: string[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void logs.push(line) });
  const created = createApp({
    orm,
    temporal: client,
    log,
    jwtSecret,
    jwtTtlMs: 3_600_000,
    bcryptCost: 12,
    bodyLimitBytes: 64 * 1024,
    autoCloseAfterMs: opts.autoCloseAfterMs ?? 3 * 86_400_000,
    taskQueue,
    // Every test signs in from 127.0.0.1: generous limits unless a test is about limits.
    authRateLimitPerMinute: 10_000,
    rateLimitPerMinute: 100_000,
    ...opts.app,
  });
  const { app } = created;
  const server: Server = await new Promise((ok) => {
    const s = app.listen(0, '127.0.0.1', () => ok(s));
  });
  const addr = server.address();
  const baseUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;

  async function login(email: string): Promise<Http> {
    const res = await http(baseUrl)('POST', '/api/v1/auth/login', { email, password: PASSWORD });
    if (res.status !== 200) throw new Error(`login failed for ${email}: ${res.status}`);
    return http(baseUrl, res.body.accessToken);
  }

  async function createOrg(): Promise<TestOrg> {
    const em = orm.em.fork();
    const slug = `t${randomBytes(5).toString('hex')}`;
    const org = em.create(Organization, { slug, name: `Test ${slug}` });
    em.setFilterParams(TENANT_FILTER, { orgId: org.id });
    const team = em.create(Team, { organization: org, name: 'Service Desk' });
    const hash = await hashPassword(PASSWORD, 12);
    const mk = (name: string, role: Role) =>
      em.create(User, {
        organization: org,
        email: `${name}@${slug}.test`,
        displayName: name,
        role,
        active: true,
        passwordHash: hash,
      });
    const users = {
      admin: mk('admin', 'admin'),
      agent: mk('agent', 'agent'),
      agent2: mk('agent2', 'agent'),
      requester: mk('requester', 'requester'),
      outsider: mk('outsider', 'agent'),
    };
    em.create(TeamMember, { organization: org, team, user: users.agent });
    em.create(TeamMember, { organization: org, team, user: users.agent2 });
    await em.flush();
    const out = {} as Record<keyof typeof users, TestUser>;
    for (const [k, u] of Object.entries(users) as [keyof typeof users, User][]) {
      out[k] = { id: u.id, email: u.email, password: PASSWORD, role: u.role, api: await login(u.email) };
    }
    const addCategories = async (...names: string[]) => {
      for (const name of names) {
        const res = await out.admin.api('POST', '/api/v1/admin/categories', { name });
        if (res.status !== 201 && res.body?.code !== 'name_taken') throw new Error(`category ${name}: ${res.status}`);
      }
    };
    return { id: org.id, slug, teamId: team.id, addCategories, ...out };
  }

  return {
    baseUrl,
    orm,
    client,
    taskQueue,
    logs,
    app: created,
    createOrg,
    login: (email: string, password = PASSWORD) => http(baseUrl)('POST', '/api/v1/auth/login', { email, password }),
    startWorker,
    async stop() {
      await new Promise((ok) => server.close(ok));
      for (const stop of stops.reverse()) await stop();
      await connection.close();
      await orm.close();
    },
  };
}
