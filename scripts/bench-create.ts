/**
 * Create-incident latency: starts the whole system as `npm start` does (embedded PGlite, or the
 * PostgreSQL of BENCH_DATABASE_URL), signs in as a demo agent and times N sequential
 * POST /api/v1/incidents over HTTP. Prints p50/p95/p99. Usage: npm run bench:create [-- N]
 */
import { pct, startEmbeddedSystem } from './embedded-system.js';

const N = Number(process.argv[2] ?? 500);

const system = await startEmbeddedSystem();
try {
  const base = `${system.origin}/api/v1`;
  const { accessToken } = await system.signIn('agent');
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
      `create-incident latency, ${N} sequential creates over HTTP (${system.databaseLabel}, Temporal dev server, 1 worker)`,
      `  p50 ${pct(times, 50).toFixed(1)} ms   p95 ${pct(times, 95).toFixed(1)} ms   p99 ${pct(times, 99).toFixed(1)} ms`,
      `  mean ${mean.toFixed(1)} ms   min ${times[0]!.toFixed(1)} ms   max ${times.at(-1)!.toFixed(1)} ms   ${(N / wall).toFixed(1)} creates/s`,
    ].join('\n'),
  );
} finally {
  await system.stop();
}
