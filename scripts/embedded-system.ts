/**
 * For the benchmarks: the whole system started as `npm start` starts it (embedded PGlite, or the
 * PostgreSQL of BENCH_DATABASE_URL; a Temporal dev server; worker; API serving the web app) in a
 * fresh data directory, with the demo users' one-time passwords read from its banner.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ENTRY = fileURLToPath(new URL('../deploy/embedded.js', import.meta.url));

export const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });

/** The value at percentile p of ascending numbers (NaN for none). */
export const pct = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

export interface EmbeddedSystem {
  /** e.g. http://127.0.0.1:41234 (the web app; the API under /api/v1) */
  origin: string;
  databaseLabel: string;
  /** Demo credentials by role: admin, agent, requester, auditor. */
  users: Record<string, { email: string; password: string }>;
  /** Signs in (demo users have no MFA) and returns the tokens. */
  signIn(role: string): Promise<{ accessToken: string; refreshToken: string }>;
  stop(): Promise<void>;
}

export async function startEmbeddedSystem(): Promise<EmbeddedSystem> {
  const dataDir = await mkdtemp(join(tmpdir(), 'lintas-bench-'));
  const port = await freePort();
  const { DATABASE_URL: _d, TEMPORAL_ADDRESS: _t, ...env } = process.env;
  const database = process.env['BENCH_DATABASE_URL'];
  const child = spawn(process.execPath, [ENTRY], {
    env: {
      ...env,
      DATA_DIR: dataDir,
      PORT: String(port),
      TEMPORAL_PORT: String(await freePort()),
      TEMPORAL_UI_PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
      ...(database ? { DATABASE_URL: database } : {}),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    await exited;
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const started = Date.now();
      const t = setInterval(() => {
        if (out.includes('Press Ctrl-C')) resolve();
        else if (Date.now() - started > 180_000) reject(new Error(`system did not start in 3 min:\n${out}`));
        else return;
        clearInterval(t);
      }, 100);
      void exited.then(() => {
        clearInterval(t);
        reject(new Error(`system exited (${child.exitCode}):\n${out}`));
      });
    });
  } catch (err) {
    await stop();
    throw err;
  }
  const users: EmbeddedSystem['users'] = {};
  for (const m of out.matchAll(/^ {2}(\w+) +(\S+@\S+) +(\S+)$/gm)) users[m[1]!] ??= { email: m[2]!, password: m[3]! };
  const origin = `http://127.0.0.1:${port}`;
  if (!users['agent']) {
    await stop();
    throw new Error(`no demo credentials printed:\n${out}`);
  }
  return {
    origin,
    databaseLabel: database ? 'PostgreSQL' : 'embedded PGlite',
    users,
    async signIn(role) {
      const res = await fetch(`${origin}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(users[role]),
      });
      if (res.status !== 200) throw new Error(`sign-in as ${role} answered ${res.status}`);
      return (await res.json()) as { accessToken: string; refreshToken: string };
    },
    stop,
  };
}
