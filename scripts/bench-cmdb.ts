/**
 * CMDB impact analysis at an enterprise's scale (issue 15): an organization with 100,000 CIs and
 * 500,000 relations in a layered estate (business and technical services, applications,
 * databases, servers, racks and network), 4 % of the relations ended (history for as-of reads), in
 * PostgreSQL at BENCH_DATABASE_URL (recreated). Times, side by side in one run:
 * - building the in-memory graph from the tables (what the API does when the CMDB revision moves);
 * - graded impact on that graph at depth 2, 4 and 6 from random failed CIs (servers, databases,
 *   network devices, racks), the walk alone and as the API answers it (revision check, names of
 *   the first 100, services counted);
 * - the same reach as one recursive SQL query (ungraded: it only finds who is reached, so it does
 *   less than the graph walk), to decide between the two.
 * Prints p50 / p95 / max in ms and the median number of CIs reached; then the CSV import rate
 * (10,000 new servers beside the estate: dry run, import, the same file again).
 * Usage: npm run bench:cmdb [-- cis [relations [queries]]]
 */
import { randomUUID } from 'node:crypto';
import v8 from 'node:v8';
import vm from 'node:vm';
import pg from 'pg';
import { classTree } from '../api/cmdb/classes.js';
import { GraphCache, loadGraph } from '../api/cmdb/graph.js';
import { impactAnswer } from '../api/cmdb/impact.js';
import { importCsv } from '../api/cmdb/import.js';
import { openDatabase, orgEm } from '../db/orm.js';
import type { Principal } from '../api/kernel/context.js';
import type { Grade } from '../workflows/kernel/cmdb-impact.js';
import { DEFAULT_GRANTS, withImplied } from '../workflows/kernel/permissions.js';
import { pct } from './embedded-system.js';

const N = Number(process.argv[2] ?? 100_000);
const M = Number(process.argv[3] ?? 500_000);
const Q = Number(process.argv[4] ?? 200);
const DB = process.env['BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/lintas_bench_cmdb';
const log = (msg: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${msg}`);

const adminUrl = Object.assign(new URL(DB), { pathname: '/postgres' }).toString();
const dbName = new URL(DB).pathname.slice(1);
{
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  await c.query(`drop database if exists ${dbName} with (force)`);
  await c.query(`create database ${dbName}`);
  await c.end();
}
const orm = await openDatabase({ url: DB, poolMax: 4 });
const db = new pg.Client({ connectionString: DB });
await db.connect();

// ---- the estate ----
const org = randomUUID();
await db.query(
  `insert into organizations (id, slug, name, created_at, updated_at) values ($1, 'estate', 'Estate', now(), now())`,
  [org],
);
const SHARE: [string, number][] = [
  ['business_service', 0.01],
  ['technical_service', 0.04],
  ['application', 0.2],
  ['database', 0.1],
  ['server', 0.4],
  ['network_device', 0.2],
  ['hardware', 0.05], // racks
];
const ids: Record<string, string[]> = {};
const CRIT = ['low', 'medium', 'high', 'critical'];
log(`seeding ${N.toLocaleString()} CIs`);
for (const [cls, share] of SHARE) {
  const n = Math.max(1, Math.round(N * share));
  ids[cls] = Array.from({ length: n }, () => randomUUID());
  for (let i = 0; i < n; i += 20_000) {
    const chunk = ids[cls]!.slice(i, i + 20_000);
    await db.query(
      `insert into cmdb_items (id, created_at, updated_at, organization_id, name, class_key, status, status_changed_at, criticality, attributes, revision)
       select u, now() - interval '400 days', now(), $1, $2 || '-' || (row_number() over () + $3), $2, 'in_use', now() - interval '400 days',
              ($4::text[])[1 + (abs(hashtext(u::text)) % 4)], '{}'::jsonb, 1
       from unnest($5::uuid[]) as u`,
      [org, cls, i, CRIT, chunk],
    );
  }
}
const pick = (cls: string) => ids[cls]![Math.floor(Math.random() * ids[cls]!.length)]!;
// Relation kinds in the estate: [type, from class, to class, per from-CI].
const KINDS: [string, string, string, number][] = [
  ['supports', 'application', 'business_service', 2],
  ['supports', 'technical_service', 'business_service', 2],
  ['uses', 'application', 'technical_service', 2],
  ['hosted_on', 'application', 'server', 3],
  ['uses', 'application', 'database', 2],
  ['depends_on', 'application', 'application', 3],
  ['hosted_on', 'database', 'server', 1],
  ['hosted_on', 'technical_service', 'server', 2],
  ['contains', 'hardware', 'server', 8],
  ['connects_to', 'server', 'network_device', 2],
  ['connects_to', 'network_device', 'network_device', 2],
];
const planned = KINDS.reduce((n, [, from, , k]) => n + ids[from]!.length * k, 0);
const scale = M / planned;
log(`seeding ${M.toLocaleString()} relations (${planned.toLocaleString()} planned × ${scale.toFixed(2)})`);
let made = 0;
const batch: { type: string[]; from: string[]; to: string[]; ended: boolean[] } = {
  type: [],
  from: [],
  to: [],
  ended: [],
};
const flush = async () => {
  if (!batch.type.length) return;
  await db.query(
    `insert into cmdb_relations (id, created_at, updated_at, organization_id, type, from_id, to_id, valid_from, valid_to)
     select gen_random_uuid(), now(), now(), $1, t, f, o, now() - interval '300 days', case when e then now() - interval '30 days' end
     from unnest($2::text[], $3::uuid[], $4::uuid[], $5::bool[]) as x(t, f, o, e)`,
    [org, batch.type, batch.from, batch.to, batch.ended],
  );
  made += batch.type.length;
  batch.type = [];
  batch.from = [];
  batch.to = [];
  batch.ended = [];
};
for (const [type, fromCls, toCls, per] of KINDS) {
  const count = Math.round(ids[fromCls]!.length * per * scale);
  for (let i = 0; i < count; i++) {
    const from = ids[fromCls]![i % ids[fromCls]!.length]!;
    let to = pick(toCls);
    if (to === from) to = pick(toCls);
    batch.type.push(type);
    batch.from.push(from);
    batch.to.push(to);
    batch.ended.push(Math.random() < 0.04);
    if (batch.type.length >= 50_000) await flush();
  }
}
await flush();
// A web farm per hundredth application: its hosted-on relations as one group needing 1 of them up.
await db.query(
  `with apps as (select distinct from_id from cmdb_relations where organization_id = $1 and type = 'hosted_on'
                 and from_id in (select id from cmdb_items where organization_id = $1 and class_key = 'application') limit $2),
        g as (insert into cmdb_groups (id, created_at, updated_at, organization_id, ci_id, name, min_up)
              select gen_random_uuid(), now(), now(), $1, from_id, 'farm', 1 from apps returning id, ci_id)
   update cmdb_relations r set group_id = g.id from g where r.from_id = g.ci_id and r.type = 'hosted_on'`,
  [org, Math.round(ids['application']!.length / 100)],
);
await db.query(`insert into cmdb_revisions (organization_id, revision) values ($1, 1)`, [org]);
await db.query('analyze');
log(`seeded ${made.toLocaleString()} relations`);

// ---- measures ----
const em = orgEm(orm, org);
/** An agent asks (one who reads incidents, so the answer looks up open incidents on what it lists). */
const agent: Principal = {
  kind: 'user',
  userId: randomUUID(),
  orgId: org,
  orgSlug: 'bench',
  role: 'agent',
  email: 'agent@bench.local',
  permissions: withImplied(DEFAULT_GRANTS.agent),
  sessionId: null,
  apiKeyId: null,
};
const timeIt = async (fn: () => Promise<unknown> | unknown) => {
  const t = performance.now();
  const out = await fn();
  return { ms: performance.now() - t, out };
};
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const figures = (xs: number[]) => {
  const s = sorted(xs);
  return `p50 ${pct(s, 50).toFixed(1)}  p95 ${pct(s, 95).toFixed(1)}  max ${s.at(-1)!.toFixed(1)}`;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
gc();
const heap0 = process.memoryUsage().heapUsed;
const builds: number[] = [];
let graph = await loadGraph(em, org);
for (let i = 0; i < 3; i++) {
  const { ms, out } = await timeIt(() => loadGraph(em, org));
  builds.push(ms);
  graph = out as typeof graph;
}
gc();
const heap = (process.memoryUsage().heapUsed - heap0) / 1024 / 1024;
console.log(
  `\ngraph: ${graph.size.cis.toLocaleString()} CIs, ${graph.size.steps.toLocaleString()} steps; build from PostgreSQL ${figures(builds)} ms; heap ≈ ${heap.toFixed(0)} MB`,
);

const starts = () => {
  const cls = ['server', 'server', 'database', 'network_device', 'hardware'][Math.floor(Math.random() * 5)]!;
  return pick(cls);
};
const cache = new GraphCache();
await cache.get(em, org);
const now = Date.now();
const rows: string[] = [];
for (const depth of [2, 4, 6]) {
  const walk: number[] = [];
  const api: number[] = [];
  const sql: number[] = [];
  const reached: number[] = [];
  const sqlReached: number[] = [];
  for (let i = 0; i < Q; i++) {
    const id = starts();
    const failed: Record<string, Grade> = { [id]: 'down' };
    const w = await timeIt(() => graph.impact({ failed, depth, at: now }));
    walk.push(w.ms);
    reached.push((w.out as { total: number }).total);
    api.push(
      (
        await timeIt(async () => {
          // As a request does: its own EntityManager fork, the revision check, the class tree, the answer.
          const req = orgEm(orm, org);
          return impactAnswer(req, agent, await cache.get(req, org), await classTree(req), {
            down: [id],
            depth,
            limit: 100,
          });
        })
      ).ms,
    );
  }
  // The recursive query is far slower: fewer samples.
  for (let i = 0; i < Math.min(Q, 40); i++) {
    const id = starts();
    const s = await timeIt(() =>
      db.query<{ n: string }>(
        `with recursive walk(id, depth) as (
           select $2::uuid, 0
           union
           select n.id, w.depth + 1 from walk w cross join lateral (
             select r.from_id as id from cmdb_relations r
              where r.organization_id = $1 and r.to_id = w.id and r.type in ('hosted_on', 'depends_on', 'uses', 'connects_to')
                and r.valid_from <= now() and (r.valid_to is null or r.valid_to > now())
             union all
             select r.to_id from cmdb_relations r
              where r.organization_id = $1 and r.from_id = w.id and r.type in ('supports', 'contains', 'connects_to')
                and r.valid_from <= now() and (r.valid_to is null or r.valid_to > now())
           ) n where w.depth < $3
         ) select count(distinct id) - 1 as n from walk`,
        [org, id, depth],
      ),
    );
    sql.push(s.ms);
    sqlReached.push(Number((s.out as { rows: { n: string }[] }).rows[0]!.n));
  }
  rows.push(
    `depth ${depth}:  graph walk ${figures(walk)}  |  API answer ${figures(api)}  |  recursive SQL ${figures(sql)}  |  reached (median) graph ${median(reached)}, SQL ${median(sqlReached)}  |  SQL/graph p50 ${(pct(sorted(sql), 50) / Math.max(pct(sorted(walk), 50), 0.001)).toFixed(0)}×`,
  );
}
console.log(`\nimpact from one failed CI, ${Q} queries a depth (recursive SQL: ${Math.min(Q, 40)}), in ms:`);
for (const r of rows) console.log(r);

// ---- import ----
const IMPORT_ROWS = Number(process.env['BENCH_IMPORT_ROWS'] ?? 10_000);
const lines = ['name,class,status,criticality,serialNumber,hostname,warrantyEnd,attr:memory_gb'];
for (let i = 0; i < IMPORT_ROWS; i++)
  lines.push(
    `imported-${i},server,in_use,medium,IMP-${i},imp-${i}.example.test,2027-0${1 + (i % 9)}-15,${8 << (i % 4)}`,
  );
const file = lines.join('\r\n');
const rate = async (dryRun: boolean) => {
  const { ms, out } = await timeIt(() => importCsv(orgEm(orm, org), org, null, file, dryRun));
  const r = out as Awaited<ReturnType<typeof importCsv>>;
  return `${r.created} created, ${r.updated} updated, ${r.unchanged} unchanged, ${r.errors} errors in ${ms.toFixed(0)} ms = ${Math.round((IMPORT_ROWS / ms) * 1000).toLocaleString()} rows/s`;
};
console.log(`\nCSV import of ${IMPORT_ROWS.toLocaleString()} new servers beside ${N.toLocaleString()} CIs:`);
console.log(`  dry run:          ${await rate(true)}`);
console.log(`  import:           ${await rate(false)}`);
console.log(`  same file again:  ${await rate(false)}`);

await db.end();
await orm.close();
