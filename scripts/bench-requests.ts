/**
 * Service request throughput and approval latency, on the whole system as `npm start` runs it
 * (embedded PGlite, or the PostgreSQL of BENCH_DATABASE_URL; a Temporal dev server; one worker):
 *  1. requests/s: N orders of a catalog item through POST /api/v1/requests by C concurrent clients;
 *  2. with those N (default 1,000) requests in flight, each waiting at an approval, the delay from a
 *     vote (POST …/approvals/:step) to the next step's fulfilment task being visible in the read
 *     model (GET /requests/:key), for S sampled votes: p50 / p95.
 * Usage: npm run bench:requests [-- N C S]
 */
import { pct, startEmbeddedSystem } from './embedded-system.js';

const N = Number(process.argv[2] ?? 1000);
const C = Number(process.argv[3] ?? 8);
const S = Number(process.argv[4] ?? 100);
// The benchmark is one user ordering a thousand things: the per-user rate limit is not what it measures.
process.env['RATE_LIMIT_PER_MINUTE'] = '1000000';

const system = await startEmbeddedSystem();
try {
  const base = `${system.origin}/api/v1`;
  const as = async (role: string) => {
    const { accessToken } = await system.signIn(role);
    return async <T = Record<string, unknown>>(method: string, path: string, body?: unknown) => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const data = (await res.json()) as T;
      if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(data)}`);
      return data;
    };
  };
  const admin = await as('admin');
  const requester = await as('requester');
  const agent = await as('agent');
  const me = await agent<{ id: string }>('GET', '/me');
  const teams = await admin<{ items: { id: string; name: string }[] }>('GET', '/teams');
  const team = teams.items.find((t) => t.name === 'Service Desk')!;
  const flow = await admin<{ id: string }>('POST', '/flows', {
    name: `Bench ${Date.now()}`,
    definition: {
      nodes: [
        { id: 'start', type: 'start' },
        { id: 'ok', type: 'approval', approvers: [{ kind: 'users', userIds: [me.id] }], rule: { kind: 'any' } },
        { id: 'approved', type: 'end', outcome: 'approved' },
        { id: 'rejected', type: 'end', outcome: 'rejected' },
      ],
      edges: [
        { from: 'start', to: 'ok' },
        { from: 'ok', to: 'approved', when: 'approved' },
        { from: 'ok', to: 'rejected', when: 'rejected' },
      ],
    },
  });
  await admin('POST', `/flows/${flow.id}/publish`, { revision: 1 });
  const cat = await admin<{ id: string }>('POST', '/catalog/categories', {
    key: `bench-${Date.now()}`,
    name: { en: 'Bench' },
  });
  const itemKey = `bench-item-${Date.now()}`;
  await admin('POST', '/catalog/items', {
    key: itemKey,
    categoryId: cat.id,
    name: { en: 'Benchmark item' },
    fields: [{ id: 'note', type: 'text', label: { en: 'Note' }, required: true }],
    flowId: flow.id,
    fulfilmentTeamId: team.id,
  });
  const order = (i: number) =>
    requester<{ key: string }>('POST', '/requests', { item: itemKey, answers: { note: `n${i}` } });
  for (let i = 0; i < 10; i++) await order(-i); // warm-up, not counted

  const keys: string[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: C }, async () => {
      while (next < N) {
        const i = next++;
        keys.push((await order(i)).key);
      }
    }),
  );
  const wall = (performance.now() - started) / 1000;

  // Every request now waits at its approval: wait until each has asked its approver.
  const waiting = async (key: string) => {
    for (;;) {
      const r = await agent<{ steps: { id: string; status: string }[] }>('GET', `/requests/${key}`);
      if (r.steps.some((s) => s.id === 'ok' && s.status === 'open')) return;
      await new Promise((ok) => setTimeout(ok, 20));
    }
  };
  const sample = keys.slice(0, S);
  for (const k of sample) await waiting(k);
  const delays: number[] = [];
  for (const k of sample) {
    const t0 = performance.now();
    await agent('POST', `/requests/${k}/approvals/ok`, { decision: 'approve' });
    for (;;) {
      const r = await agent<{ steps: { kind: string; status: string }[] }>('GET', `/requests/${k}`);
      if (r.steps.some((s) => s.kind === 'task' && s.status === 'open')) break;
      await new Promise((ok) => setTimeout(ok, 5));
    }
    delays.push(performance.now() - t0);
  }
  delays.sort((a, b) => a - b);
  console.log(
    [
      `service requests (${system.databaseLabel}, Temporal dev server, 1 worker)`,
      `  submitted ${N} through the API with ${C} clients in ${wall.toFixed(1)} s: ${(N / wall).toFixed(1)} requests/s`,
      `  vote → next step's task visible, ${S} votes with ${N} requests in flight:`,
      `    p50 ${pct(delays, 50).toFixed(1)} ms   p95 ${pct(delays, 95).toFixed(1)} ms   max ${delays.at(-1)!.toFixed(1)} ms`,
    ].join('\n'),
  );
} finally {
  await system.stop();
}
