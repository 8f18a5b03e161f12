/**
 * The console's queue at a real desk's scale: an organization with 1,000,000 incidents (40,000
 * open), their comments, and a second organization beside it, in PostgreSQL at
 * BENCH_DATABASE_URL (recreated). Times every saved view (first page, and the next page by
 * cursor), a deep page, and searches (`q=`: a ticket number, words of titles, of resolution notes,
 * of comments) over HTTP against the real API, at 1 and at 8 concurrent clients, p50/p95 in ms.
 * For scale, the list as it was before (the ORM's findAndCount with joins for the tenant filter,
 * an exact count, ILIKE) is timed in the same run on the default view and a search.
 * Usage: npm run bench:queue [-- incidents [requests per figure]]
 */
import { Client, Connection } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import pg from 'pg';
import { Worker } from 'node:worker_threads';
import { pino } from 'pino';
import { createApp } from '../api/app.js';
import { hashPassword } from '../api/platform/auth.js';
import { Incident } from '../db/entities/index.js';
import { openDatabase, orgEm } from '../db/orm.js';
import { freePort, pct } from './embedded-system.js';

const N = Number(process.argv[2] ?? 1_000_000);
const REQUESTS = Number(process.argv[3] ?? 200);
const OPEN = Math.round(N * 0.04);
const DB = process.env['BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/lintas_bench';
const log = (msg: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${msg}`);

// A fresh database, migrated and seeded — or, with BENCH_REUSE=1, the one a previous run left.
const adminUrl = Object.assign(new URL(DB), { pathname: '/postgres' }).toString();
const dbName = new URL(DB).pathname.slice(1);
const reuse = process.env['BENCH_REUSE'] === '1' && (await seededBefore());
async function seededBefore(): Promise<boolean> {
  const c = new pg.Client({ connectionString: DB });
  try {
    await c.connect();
    const r = await c.query<{ n: string }>(
      `select count(*) as n from incidents i join organizations o on o.id = i.organization_id where o.slug = 'big'`,
    );
    return Number(r.rows[0]?.n) === N;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}
if (!reuse) {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  await c.query(`drop database if exists ${dbName} with (force)`);
  await c.query(`create database ${dbName}`);
  await c.end();
}
const orm = await openDatabase({ url: DB, poolMax: 12 });
const db = new pg.Client({ connectionString: DB });
await db.connect();
if (reuse) log('reusing the database seeded by an earlier run (BENCH_REUSE=1)');
else await seed();

async function seed() {
  // Two organizations: the one measured, and a neighbour with a tenth of its size.
  const org = randomUUID();
  const neighbour = randomUUID();
  await db.query(
    `insert into organizations (id, slug, name, created_at, updated_at)
   values ($1, 'big', 'Big desk', now(), now()), ($2, 'next', 'Neighbour', now(), now())`,
    [org, neighbour],
  );
  await db.query(`insert into ticket_counters (organization_id, ticket_type, next_number) values ($1, 'INC', $2)`, [
    org,
    N + 1,
  ]);
  const hash = await hashPassword('bench password 123', 4);
  const AGENTS = 40;
  const TEAMS = 8;
  const REQUESTERS = 2000;
  for (const [o, slug] of [
    [org, 'big'],
    [neighbour, 'next'],
  ] as const) {
    await db.query(
      `insert into users (id, organization_id, email, display_name, role, active, password_hash, locale, created_at, updated_at)
     select gen_random_uuid(), $1, 'agent' || g || '@${slug}.bench', 'Agent ' || g, 'agent', true, $2, 'en', now(), now()
     from generate_series(1, ${AGENTS}) g`,
      [o, hash],
    );
    await db.query(
      `insert into users (id, organization_id, email, display_name, role, active, locale, created_at, updated_at)
     select gen_random_uuid(), $1, 'requester' || g || '@${slug}.bench', 'Requester ' || g, 'requester', true, 'en', now(), now()
     from generate_series(1, ${REQUESTERS}) g`,
      [o],
    );
    await db.query(
      `insert into teams (id, organization_id, name, assignment, turn, created_at, updated_at)
     select gen_random_uuid(), $1, 'Team ' || g, 'none', 0, now(), now() from generate_series(1, ${TEAMS}) g`,
      [o],
    );
    // Agent g works in team ((g - 1) % TEAMS) + 1.
    await db.query(
      `insert into team_members (organization_id, team_id, user_id, created_at)
     select $1, t.id, u.id, now() from users u
     join teams t on t.organization_id = $1 and t.name = 'Team ' || (((substring(u.display_name from 7))::int - 1) % ${TEAMS} + 1)
     where u.organization_id = $1 and u.role = 'agent'`,
      [o],
    );
  }

  // Drop the indexes while seeding (a million inserts into GIN indexes is slow), build them after.
  const indexes = (
    await db.query<{ indexname: string; indexdef: string }>(
      `select indexname, indexdef from pg_indexes where schemaname = 'public' and tablename in ('incidents', 'ticket_events')
     and indexname not in (select conname from pg_constraint)`,
    )
  ).rows;
  for (const i of indexes) await db.query(`drop index ${i.indexname}`);

  const WORDS = [
    'printer',
    'vpn',
    'laptop',
    'email',
    'outlook',
    'wifi',
    'password',
    'monitor',
    'keyboard',
    'teams',
    'sharepoint',
    'license',
    'docking',
    'badge',
    'phone',
    'headset',
    'router',
    'firewall',
    'backup',
    'database',
    'invoice',
    'payroll',
    'browser',
    'certificate',
    'storage',
    'scanner',
    'projector',
    'webcam',
    'driver',
    'update',
  ];
  const VERBS = ['fails', 'slow', 'broken', 'missing', 'locked', 'crashes', 'freezes', 'offline', 'denied', 'flickers'];
  async function seedIncidents(o: string, slug: string, count: number, open: number) {
    const started = Date.now();
    const chunk = 100_000;
    for (let from = 1; from <= count; from += chunk) {
      const to = Math.min(count, from + chunk - 1);
      await db.query(
        `with agents as (select array_agg(id order by display_name) a from users where organization_id = $1 and role = 'agent'),
            reqs as (select array_agg(id order by display_name) r from users where organization_id = $1 and role = 'requester'),
            members as (select array_agg(m.team_id order by u.display_name) t from team_members m join users u on u.id = m.user_id where m.organization_id = $1),
            w as (select $2::text[] words, $3::text[] verbs)
       insert into incidents (workflow_id, organization_id, number, title, description, status, impact, urgency, priority,
         category, assignee_id, team_id, requester_id, resolution_code, resolution_notes, reopen_count, created_at, updated_at,
         resolved_at, response_due_at, resolution_due_at, sla_breached, reassignment_count, revision)
       select '${slug}/INC-' || g, $1, g,
         initcap(w.words[1 + g % 30]) || ' ' || w.verbs[1 + (g / 7) % 10] || ' on floor ' || (g % 12),
         'Reported by user: the ' || w.words[1 + (g / 3) % 30] || ' ' || w.verbs[1 + g % 10] || ' since this morning; ticket ' || g,
         st.s, lv[1 + g % 3], lv[1 + (g / 3) % 3], 'P' || (1 + (g % 4)),
         null,
         case when st.s = 'new' or (g % 10 = 0 and st.s <> 'closed') then null else agents.a[1 + g % ${AGENTS}] end,
         case when g % 25 = 0 then null else members.t[1 + g % ${AGENTS}] end,
         reqs.r[1 + g % ${REQUESTERS}],
         case when st.s in ('resolved', 'closed') then 'solved' end,
         case when st.s in ('resolved', 'closed') then 'Fixed the ' || w.words[1 + (g / 11) % 30] || ' config ref ' || md5(g::text) end,
         0,
         now() - ((${count} - g) * interval '1 minute'), now() - ((${count} - g) * interval '1 minute'),
         case when st.s in ('resolved', 'closed') then now() - ((${count} - g) * interval '1 minute') + interval '2 hours' end,
         case when st.s in ('new', 'assigned') then now() + ((g % 600) - 120) * interval '1 minute' end,
         case when st.s in ('new', 'assigned', 'in_progress') then now() + ((g % 3000) - 300) * interval '1 minute' end,
         false, 0, 3
       from generate_series($4::int, $5::int) g, agents, reqs, members, w,
         lateral (select (array['low', 'medium', 'high'])::text[] lv) l,
         lateral (select case
           when g > ${count - open} then (array['new', 'assigned', 'in_progress', 'in_progress', 'pending'])[1 + g % 5]
           when g % 40 = 1 then 'cancelled' when g > ${count - open} - 2000 then 'resolved' else 'closed' end s) st`,
        [o, WORDS, VERBS, from, to],
      );
    }
    // A comment on every third incident, a work note on every seventh, in the order they came.
    await db.query(
      `insert into ticket_events (organization_id, ticket_type, ticket_workflow_id, revision, type, actor_kind, at, data)
       select $1, 'INC', '${slug}/INC-' || g, r, t, 'user', now(), b from (
         select g, 2 as r, 'comment' as t,
           jsonb_build_object('body', 'Tried restarting the ' || ($2::text[])[1 + (g / 5) % 30] || ', ticket ' || g || ' still ' || ($3::text[])[1 + g % 10]) as b
         from generate_series(3, ${count}, 3) g
         union all
         select g, 3, 'work_note', jsonb_build_object('body', 'Escalated to vendor case ' || md5(g::text))
         from generate_series(7, ${count}, 7) g
       ) x order by g, r`,
      [o, WORDS, VERBS],
    );
    log(
      `seeded ${count.toLocaleString('en')} incidents in ${slug} (${open.toLocaleString('en')} open) in ${((Date.now() - started) / 1000).toFixed(0)} s`,
    );
  }
  await seedIncidents(org, 'big', N, OPEN);
  await seedIncidents(neighbour, 'next', Math.round(N / 10), Math.round(OPEN / 10));
  const built = Date.now();
  for (const i of indexes) await db.query(i.indexdef);
  await db.query('analyze');
  log(`rebuilt ${indexes.length} indexes and analysed in ${((Date.now() - built) / 1000).toFixed(0)} s`);
}

// The real API on this database (lists need no Temporal: a client to nowhere is enough).
const temporal = new Client({ connection: Connection.lazy({ address: `127.0.0.1:${await freePort()}` }) });
const { app } = createApp({
  orm,
  temporal,
  log: pino({ level: 'silent' }),
  jwtSecret: randomUUID() + randomUUID(),
  jwtTtlMs: 3_600_000,
  bcryptCost: 4,
  bodyLimitBytes: 65536,
  autoCloseAfterMs: 86_400_000,
  rateLimitPerMinute: 10_000_000,
  authRateLimitPerMinute: 10_000,
});
const server: Server = await new Promise((ok) => {
  const s = app.listen(0, '127.0.0.1', () => ok(s));
});
const base = `http://127.0.0.1:${(server.address() as { port: number }).port}/api/v1`;
const login = await fetch(`${base}/auth/login`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ email: 'agent7@big.bench', password: 'bench password 123' }),
});
const token = ((await login.json()) as { accessToken: string }).accessToken;
const get = async (path: string) => {
  const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<{
    items: { key: string }[];
    total: number;
    totalCapped: boolean;
    nextCursor: string | null;
  }>;
};

const open = 'status=new,assigned,in_progress,pending';
const soon = () => new Date(Date.now() + 4 * 3_600_000).toISOString();
const views: [string, () => string][] = [
  ['all open (default: by priority)', () => `/incidents?${open}&sort=priority&limit=25`],
  ['my open', () => `/incidents?${open}&assigneeId=me&sort=priority&limit=25`],
  ['my team', () => `/incidents?${open}&teamId=mine&sort=priority&limit=25`],
  ['unassigned', () => `/incidents?${open}&assigneeId=none&sort=priority&limit=25`],
  ['breaching soon', () => `/incidents?${open}&dueBefore=${soon()}&sort=nextDueAt&limit=25`],
  ['all, newest first', () => `/incidents?sort=-createdAt&limit=25`],
];
const searches: [string, () => string][] = [
  ['q= ticket number (INC-123456)', () => `/incidents?q=INC-${Math.min(N, 123_456)}&limit=25`],
  ['q= title words (printer fails)', () => `/incidents?q=printer%20fails&limit=25`],
  ['q= resolution notes (config ref 5f1d)', () => `/incidents?q=${encodeURIComponent('config ref 5f1d')}&limit=25`],
  ['q= comment words (restarting webcam)', () => `/incidents?q=restarting%20webcam&limit=25`],
  [
    'q= rare word in a work note (vendor case a1b2c)',
    () => `/incidents?q=${encodeURIComponent('case a1b2c')}&limit=25`,
  ],
];

// The clients run in a thread of their own, so their fetching does not eat the server's event loop.
const CLIENT = `
const { parentPort, workerData: { base, token, paths, clients } } = require('node:worker_threads');
(async () => {
  const times = [];
  let next = 0;
  await Promise.all(Array.from({ length: clients }, async () => {
    while (next < paths.length) {
      const path = paths[next++];
      const t = performance.now();
      const res = await fetch(base + path, { headers: { authorization: 'Bearer ' + token } });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(path + ': ' + res.status);
      times.push(performance.now() - t);
    }
  }));
  parentPort.postMessage(times);
})().catch((err) => { throw err; });
`;

/** Times `n` requests with `clients` running at once (in another thread); p50/p95 in ms. */
async function measure(path: () => string, clients: number, n = REQUESTS): Promise<[number, number]> {
  const paths = Array.from({ length: n }, path);
  const times = await new Promise<number[]>((resolve, reject) => {
    const w = new Worker(CLIENT, { eval: true, workerData: { base, token, paths, clients } });
    w.once('message', resolve);
    w.once('error', reject);
  });
  times.sort((a, b) => a - b);
  return [pct(times, 50), pct(times, 95)];
}
const f = (ms: number) => ms.toFixed(1).padStart(7);
const row = (name: string, one: [number, number], eight: [number, number]) =>
  console.log(`${name.padEnd(52)} ${f(one[0])} ${f(one[1])} ${f(eight[0])} ${f(eight[1])}`);

for (let i = 0; i < 3; i++) for (const [, p] of [...views, ...searches]) await get(p()); // warm up
await measure(views[0]![1], 8, 400); // and the server's code paths
console.log(
  `\n${N.toLocaleString('en')} incidents (${OPEN.toLocaleString('en')} open), ${REQUESTS} requests per figure, ms`,
);
console.log(
  `${'view'.padEnd(52)} ${'1: p50'.padStart(7)} ${'p95'.padStart(7)} ${'8: p50'.padStart(7)} ${'p95'.padStart(7)}`,
);
for (const [name, p] of views) {
  const first = await get(p());
  row(`${name} (total ${first.total}${first.totalCapped ? '+' : ''})`, await measure(p, 1), await measure(p, 8));
  if (first.nextCursor) {
    const page2 = () => `${p()}&cursor=${first.nextCursor}`;
    row('  … its page 2 (cursor)', await measure(page2, 1), await measure(page2, 8));
  }
}
// A deep page: 40 pages in by cursors, then timed.
{
  let cursor: string | null = null;
  for (let i = 0; i < 40; i++) cursor = (await get(`${views[0]![1]()}${cursor ? `&cursor=${cursor}` : ''}`)).nextCursor;
  const deep = () => `${views[0]![1]()}&cursor=${cursor}`;
  row('  all open, page 41 (cursor)', await measure(deep, 1), await measure(deep, 8));
}
for (const [name, p] of searches) {
  const first = await get(p());
  row(`${name} (${first.total}${first.totalCapped ? '+' : ''} found)`, await measure(p, 1), await measure(p, 8));
}

// The list as it was (findAndCount through the ORM: tenant-filter joins, exact count, ILIKE).
const bigOrg = (await db.query<{ id: string }>(`select id from organizations where slug = 'big'`)).rows[0]!.id;
const before = async (where: Record<string, unknown>) => {
  const em = orgEm(orm, bigOrg);
  const t = performance.now();
  await em.findAndCount(Incident, where, { orderBy: { priority: 'asc', number: 'desc' } as never, limit: 25 });
  return performance.now() - t;
};
const old = async (where: Record<string, unknown>, n = 20) => {
  const times: number[] = [];
  for (let i = 0; i < n; i++) times.push(await before(where));
  times.sort((a, b) => a - b);
  return [pct(times, 50), pct(times, 95)] as [number, number];
};
const openWhere = { status: { $in: ['new', 'assigned', 'in_progress', 'pending'] } };
console.log(`\nBefore (same run, 1 client, in-process, 20 calls): ORM findAndCount with exact count`);
const [b50, b95] = await old(openWhere);
console.log(`${'all open (default view)'.padEnd(52)} ${f(b50)} ${f(b95)}`);
const [s50, s95] = await old(
  { $or: [{ title: { $ilike: '%printer%' } }, { description: { $ilike: '%printer%' } }] },
  5,
);
console.log(`${'q= printer (ILIKE on title, description)'.padEnd(52)} ${f(s50)} ${f(s95)}`);

await new Promise((ok) => server.close(ok));
await db.end();
await orm.close();
await temporal.connection.close();
