/**
 * Create-incident latency: starts the whole system as `npm start` does (embedded PGlite, or the
 * PostgreSQL of BENCH_DATABASE_URL), signs in as a demo agent and times N sequential
 * POST /api/v1/incidents over HTTP. Prints p50/p95/p99. Usage: npm run bench:create [-- N]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const N = Number(process.argv[2] ?? 500);
const ENTRY = fileURLToPath(new URL('../deploy/embedded.js', import.meta.url));

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

const dataDir = await mkdtemp(join(tmpdir(), 'lintas-bench-'));
const port = await freePort();
const { DATABASE_URL: _d, TEMPORAL_ADDRESS: _t, ...env } = process.env;
const child = spawn(process.execPath, [ENTRY], {
  env: {
    ...env,
    DATA_DIR: dataDir,
    PORT: String(port),
    TEMPORAL_PORT: String(await freePort()),
    TEMPORAL_UI_PORT: String(await freePort()),
    LOG_LEVEL: 'warn',
    ...(process.env['BENCH_DATABASE_URL'] ? { DATABASE_URL: process.env['BENCH_DATABASE_URL'] } : {}),
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
let out = '';
child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
await new Promise<void>((resolve, reject) => {
  const t = setInterval(() => out.includes('Press Ctrl-C') && (clearInterval(t), resolve()), 100);
  child.once('exit', (c) => reject(new Error(`system exited (${c}):\n${out}`)));
});
try {
  const m = /agent +(\S+@\S+) +(\S+)/.exec(out);
  if (!m) throw new Error('no agent credentials printed (reuse of an existing data dir?)');
  const base = `http://127.0.0.1:${port}/api/v1`;
  const login = await fetch(`${base}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: m[1], password: m[2] }),
  });
  const { accessToken } = (await login.json()) as { accessToken: string };
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` };
  const create = async (i: number) => {
    const t0 = performance.now();
    const res = await fetch(`${base}/incidents`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ title: `Benchmark incident ${i}`, impact: 'medium', urgency: 'high' }),
    });
    await res.arrayBuffer();
    if (res.status !== 201) throw new Error(`create ${i} answered ${res.status}`);
    return performance.now() - t0;
  };
  for (let i = 0; i < 20; i++) await create(-i); // warm-up, not counted
  const times: number[] = [];
  const started = performance.now();
  for (let i = 0; i < N; i++) times.push(await create(i));
  const wall = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  console.log(
    [
      `create-incident latency, ${N} sequential creates over HTTP (${process.env['BENCH_DATABASE_URL'] ? 'PostgreSQL' : 'embedded PGlite'}, Temporal dev server, 1 worker)`,
      `  p50 ${pct(times, 50).toFixed(1)} ms   p95 ${pct(times, 95).toFixed(1)} ms   p99 ${pct(times, 99).toFixed(1)} ms`,
      `  mean ${mean.toFixed(1)} ms   min ${times[0]!.toFixed(1)} ms   max ${times.at(-1)!.toFixed(1)} ms   ${(N / wall).toFixed(1)} creates/s`,
    ].join('\n'),
  );
} finally {
  child.kill('SIGINT');
  await new Promise((r) => child.once('exit', r));
  await rm(dataDir, { recursive: true, force: true });
}
