/**
 * Smoke test of `npm start`'s embedded mode: no DATABASE_URL, no TEMPORAL_ADDRESS. It must come up
 * on PGlite and a dev server, print credentials once, serve the API, stop cleanly on Ctrl-C
 * (SIGINT), and find its data again after a restart.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stablePort } from '../support/global-setup.js';
import { http } from '../support/stack.js';
import { temporalCli } from '../support/env.js';

const ENTRY = fileURLToPath(new URL('../../deploy/embedded.js', import.meta.url));
let dataDir: string;
const running: ChildProcess[] = [];

afterAll(async () => {
  for (const c of running) if (c.exitCode === null) c.kill('SIGKILL');
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function start(env: Record<string, string>): Promise<{ child: ChildProcess; out: () => string }> {
  const { DATABASE_URL: _d, TEMPORAL_ADDRESS: _t, ...rest } = process.env;
  const child = spawn(process.execPath, [ENTRY], {
    env: { ...rest, ...env, TEMPORAL_CLI: temporalCli(), LOG_LEVEL: 'warn', NODE_ENV: 'development' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (out.includes('Press Ctrl-C to stop.')) {
        clearInterval(timer);
        resolve();
      }
    }, 100);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`exited early (${code}):\n${out}`));
    });
  });
  return { child, out: () => out };
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGINT');
  });
}

describe('npm start, embedded mode', () => {
  it('serves the demo organization on PGlite and a dev server, and keeps data across restarts', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'lintas-embedded-'));
    const env = {
      DATA_DIR: dataDir,
      // The restart must get the same ports back while other tests bind random ones.
      PORT: String(await stablePort()),
      TEMPORAL_PORT: String(await stablePort()),
      TEMPORAL_UI_PORT: String(await stablePort()),
    };
    const first = await start(env);
    const text = first.out();
    expect(text).toContain(`embedded PGlite in ${join(dataDir, 'pglite')}`);
    expect(text).toMatch(/OpenAPI: +http:\/\/127\.0\.0\.1:\d+\/api\/v1\/openapi\.json/);
    expect(text).toMatch(/Temporal: +127\.0\.0\.1:\d+ +\(Web UI http/);
    const cred = /admin +(\S+@\S+) +(\S+)/.exec(text);
    expect(cred).not.toBeNull();
    const [, email, password] = cred!;
    const base = `http://127.0.0.1:${env.PORT}`;

    expect((await http(base)('GET', '/readyz')).status).toBe(200);
    const login = await http(base)('POST', '/api/v1/auth/login', { email, password });
    expect(login.status).toBe(200);
    const api = http(base, login.body.accessToken);
    const created = await api('POST', '/api/v1/incidents', { title: 'Embedded smoke', impact: 'low', urgency: 'high' });
    expect(created.status).toBe(201);
    expect(created.body.workflowId).toBe('demo/INC-1');
    // Without SMTP, an invitation is printed to the terminal — and the single-connection PGlite
    // stays responsive while the outbox is delivered.
    const invited = await api('POST', '/api/v1/admin/users', {
      email: 'newcomer@demo.lintas.local',
      displayName: 'Newcomer',
      role: 'agent',
    });
    expect(invited.status).toBe(201);
    for (let i = 0; i < 100 && !first.out().includes('To: newcomer@demo.lintas.local'); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(first.out()).toMatch(/To: newcomer@demo\.lintas\.local[\s\S]*\/accept-invitation#token=[\w-]{16,}/);
    // Resolving e-mails the requester a rating link, printed too; request log lines stay out of it.
    const k = `/api/v1/incidents/${created.body.key}`;
    const me = (await api('GET', '/api/v1/me')).body.id;
    expect((await api('POST', `${k}/assignment`, { assigneeId: me })).status).toBe(200);
    expect((await api('POST', `${k}/transitions`, { to: 'in_progress' })).status).toBe(200);
    const resolved = await api('POST', `${k}/transitions`, {
      to: 'resolved',
      resolutionCode: 'solved',
      resolutionNotes: 'Smoke cleared',
    });
    expect(resolved.status).toBe(200);
    for (let i = 0; i < 100 && !/\/rate\/[\w.-]{20,}/.test(first.out()); i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(first.out()).toMatch(new RegExp(`│ ✉  To: ${email!.replace(/[.]/g, '\\.')}[\\s\\S]*/rate/[\\w.-]{20,}`));
    expect(first.out()).not.toMatch(/"msg":"request"/);
    expect((await http(base)('GET', '/readyz')).status).toBe(200);
    expect((await api('GET', '/api/v1/admin/users')).status).toBe(200);

    expect(await stop(first.child)).toBe(0);
    expect(first.out()).toContain('Stopped.');
    expect(first.out()).not.toMatch(/shutdown step failed|error/i);

    const second = await start(env);
    expect(second.out()).toContain('already exists');
    expect(second.out()).not.toContain(password);
    const again = await http(base)('POST', '/api/v1/auth/login', { email, password });
    expect(again.status).toBe(200);
    const api2 = http(base, again.body.accessToken);
    expect((await api2('GET', '/api/v1/incidents/INC-1')).body).toMatchObject({
      title: 'Embedded smoke',
      priority: 'P3',
    });
    // The workflow survived too: it still takes commands.
    const comment = await api2('POST', '/api/v1/incidents/INC-1/comments', { body: 'after restart' });
    expect(comment.status).toBe(201);
    expect(await stop(second.child)).toBe(0);
  }, 180_000);
});
