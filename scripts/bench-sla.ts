/**
 * How many incident workflows with live SLA timers one local dev server + one worker hold, and
 * how late their escalations fire under that load. Starts a Temporal dev server (SQLite file), a
 * worker in this process, PostgreSQL at BENCH_DATABASE_URL (recreated), and a webhook receiver;
 * starts N incidents, all with live SLA timers; F of them have an escalation level (half the
 * response target) falling due minutes later, spread over a window, the rest a day later. Records
 * when each escalation's webhook arrives; prints memory and the delay from due time to delivery.
 * Usage: npm run bench:sla [-- N [F [windowMinutes]]]
 */
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Organization, User } from '../db/entities/index.js';
import { TENANT_FILTER, openDatabase } from '../db/orm.js';
import { startDevServer } from '../deploy/temporal-dev.js';
import { createWorker } from '../deploy/worker.js';
import { incidentWorkflowId } from '../workflows/incident/messages.js';
import { incidentWorkflow } from '../workflows/incident/workflow.js';
import { freePort, pct } from './embedded-system.js';
import { ALWAYS_OPEN } from '../workflows/kernel/business-calendar.js';
import { DEFAULT_TARGETS, type SlaPolicySnapshot } from '../workflows/kernel/sla.js';

const N = Number(process.argv[2] ?? 10_000);
const FIRING = Math.min(N, Number(process.argv[3] ?? 1000));
const WINDOW_MIN = Number(process.argv[4] ?? 5);
/** The first level falls due at least this long after the last start. */
const LEAD_MIN = 4;
const DB = process.env['BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/lintas_bench';
const CONCURRENCY = 64;

const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
const rssOf = (pid: number | null) => {
  if (!pid) return NaN;
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
};
const log = (msg: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${msg}`);

Runtime.install({ logger: new DefaultLogger('WARN') });

// A fresh database.
const admin = new pg.Client({ connectionString: Object.assign(new URL(DB), { pathname: '/postgres' }).toString() });
await admin.connect();
const dbName = new URL(DB).pathname.slice(1);
await admin.query(`drop database if exists ${dbName} with (force)`);
await admin.query(`create database ${dbName}`);
await admin.end();
const orm = await openDatabase({ url: DB, poolMax: 20 });

// The webhook receiver: when did each escalation arrive, and when was it due?
const delays: number[] = [];
const seen = new Set<string>();
let duplicates = 0;
const receiver = createHttpServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString('utf8')));
  req.on('end', () => {
    const arrived = Date.now();
    const p = JSON.parse(body) as { eventId: string; levelDueAt: string };
    if (seen.has(p.eventId)) duplicates++;
    else {
      seen.add(p.eventId);
      delays.push(arrived - Date.parse(p.levelDueAt));
    }
    res.writeHead(204).end();
  });
});
const hookPort = await freePort();
await new Promise<void>((ok) => receiver.listen(hookPort, '127.0.0.1', ok));

const em = orm.em.fork();
const org = em.create(Organization, {
  slug: 'bench',
  name: 'Bench',
  settings: { notifications: { webhooks: [{ url: `http://127.0.0.1:${hookPort}/`, secret: 'bench' }] } },
});
em.setFilterParams(TENANT_FILTER, { orgId: org.id });
const agent = em.create(User, {
  organization: org,
  email: 'agent@bench.test',
  displayName: 'Agent',
  role: 'agent',
  passwordHash: null,
  active: true,
});
await em.flush();

const dataDir = await mkdtemp(join(tmpdir(), 'lintas-bench-sla-'));
const dev = await startDevServer({
  dbFile: join(dataDir, 'temporal.db'),
  port: await freePort(),
  uiPort: await freePort(),
  namespace: 'default',
  headless: true,
});
const native = await NativeConnection.connect({ address: dev.address });
const taskQueue = 'bench-sla';
const worker = await createWorker({ orm, connection: native, namespace: 'default', taskQueue });
const running = worker.run();
const client = new Client({ connection: await Connection.connect({ address: dev.address }) });

/** Incident i's policy: response target so that its 50 % level falls due at a chosen moment. */
function policyFor(levelAt: number): SlaPolicySnapshot {
  const targetMinutes = (2 * (levelAt - Date.now())) / 60_000;
  return {
    policyId: 'bench',
    version: 1,
    name: 'Bench',
    targets: { ...DEFAULT_TARGETS, P1: { responseMinutes: targetMinutes, resolutionMinutes: 7 * 24 * 60 } },
    calendar: ALWAYS_OPEN,
    pauseOn: ['customer'],
    escalations: [{ fraction: 0.5, actions: [{ type: 'notify', to: 'assignee' }] }],
  };
}
// Starting takes roughly N / 90 s here; the firing window opens LEAD_MIN after that.
const windowStart = Date.now() + (N / 90) * 1000 + LEAD_MIN * 60_000;

log(
  `starting ${N} incidents with live SLA timers; ${FIRING} of them escalate within a ${WINDOW_MIN}-minute window, the rest after a day`,
);
const t0 = Date.now();
let next = 1;
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    for (let i = next++; i <= N; i = next++) {
      await client.workflow.start(incidentWorkflow, {
        workflowId: incidentWorkflowId('bench', i),
        taskQueue,
        args: [
          {
            kind: 'new',
            incident: {
              orgId: org.id,
              orgSlug: 'bench',
              number: i,
              title: `Bench ${i}`,
              description: '',
              impact: 'high',
              urgency: 'high',
              category: null,
              requesterId: agent.id,
              assigneeId: agent.id,
              teamId: null,
              createdBy: { userId: agent.id, kind: 'user' },
              autoCloseAfterMs: 86_400_000,
              sla: policyFor(
                i <= FIRING ? windowStart + ((i - 1) / FIRING) * WINDOW_MIN * 60_000 : Date.now() + 86_400_000,
              ),
            },
          },
        ],
      });
      if (i % 1000 === 0) log(`${i} started`);
    }
  }),
);
const startSecs = (Date.now() - t0) / 1000;
log(`${N} started in ${startSecs.toFixed(0)} s (${(N / startSecs).toFixed(0)}/s)`);

const deadline = windowStart + WINDOW_MIN * 60_000 + 5 * 60_000;
let peakWorker = 0;
let peakServer = 0;
while (seen.size < FIRING && Date.now() < deadline) {
  await new Promise((r) => setTimeout(r, 5000));
  peakWorker = Math.max(peakWorker, process.memoryUsage().rss);
  peakServer = Math.max(peakServer, rssOf(dev.pid));
  log(
    `${seen.size}/${FIRING} due escalations delivered; worker RSS ${mb(process.memoryUsage().rss)}, dev server RSS ${mb(rssOf(dev.pid))}`,
  );
}
const open = await client.workflow.count(`TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'`);
const sorted = [...delays].sort((a, b) => a - b);
console.log('\nSLA benchmark: one Temporal dev server (SQLite) + one worker (this process) + PostgreSQL');
console.log(`  incidents with live SLA timers: ${N} started, ${open.count} running at the end`);
console.log(`  start rate: ${(N / startSecs).toFixed(0)}/s over ${startSecs.toFixed(0)} s`);
console.log(`  memory (peak RSS): worker process ${mb(peakWorker)}, dev server ${mb(peakServer)}`);
console.log(
  `  escalations due in the window: ${FIRING} over ${WINDOW_MIN} min (${(FIRING / WINDOW_MIN / 60).toFixed(1)}/s); delivered ${seen.size}, duplicates ${duplicates}`,
);
console.log(
  `  delay from due time to webhook: p50 ${(pct(sorted, 50) / 1000).toFixed(2)} s, p95 ${(pct(sorted, 95) / 1000).toFixed(2)} s, p99 ${(pct(sorted, 99) / 1000).toFixed(2)} s, max ${((sorted[sorted.length - 1] ?? NaN) / 1000).toFixed(2)} s`,
);

worker.shutdown();
await running;
await native.close();
await dev.stop();
await orm.close();
receiver.close();
await rm(dataDir, { recursive: true, force: true });
process.exit(seen.size === FIRING && duplicates === 0 ? 0 : 1);
