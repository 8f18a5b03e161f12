/**
 * Impact and dependencies as the API answers them: the graph's walk (ids only), with the CIs it
 * names read in one query — their names, classes, owners, open incidents — and each rule worded
 * in English.
 */
import type { z } from 'zod';
import { ConfigurationItem } from '../../db/entities/index.js';
import type { Em } from '../../db/orm.js';
import type { ClassTree } from '../../workflows/kernel/cmdb-classes.js';
import { type ImpactGraph, ruleText } from '../../workflows/kernel/cmdb-impact.js';
import type { RelationType } from '../../workflows/kernel/cmdb-relations.js';
import type { Principal } from '../kernel/context.js';
import { AppError } from '../kernel/errors.js';
import { Names } from '../kernel/names.js';
import type * as S from './schemas.js';
import { openIncidentsOn } from './tickets.js';

type CiDto = z.infer<typeof S.ImpactDto>['failed'][number]['ci'];

/** The CIs an answer names, as it shows them. */
async function cisOf(em: Em, tree: ClassTree, ids: Iterable<string>): Promise<Map<string, CiDto>> {
  const list = [...new Set(ids)];
  const rows = list.length ? await em.find(ConfigurationItem, { id: { $in: list } }) : [];
  const names = await Names.load(
    em,
    rows.map((r) => r.ownerUser?.id ?? ''),
    rows.map((r) => r.ownerTeam?.id ?? ''),
  );
  return new Map(
    rows.map((r) => [
      r.id,
      {
        id: r.id,
        name: r.name,
        classKey: r.classKey,
        className: tree.get(r.classKey)?.name ?? { en: r.classKey },
        criticality: r.criticality,
        status: r.status,
        owner: r.ownerUser ? { id: r.ownerUser.id, name: names.user(r.ownerUser.id) } : null,
        ownerTeam: r.ownerTeam ? { id: r.ownerTeam.id, name: names.team(r.ownerTeam.id) ?? 'Unknown' } : null,
        service: tree.isA(r.classKey, 'service'),
      },
    ]),
  );
}

export async function impactAnswer(
  em: Em,
  principal: Principal,
  graph: ImpactGraph,
  tree: ClassTree,
  q: z.infer<typeof S.ImpactQuery>,
): Promise<z.infer<typeof S.ImpactDto>> {
  const failed = [
    ...(q.degraded ?? []).map((id) => ({ id, grade: 'degraded' as const })),
    ...(q.down ?? []).map((id) => ({ id, grade: 'down' as const })),
  ];
  const missing = failed.find((f) => !graph.has(f.id));
  if (missing)
    throw new AppError(400, 'invalid_parameter', 'No configuration item with this id in your organization', [
      { field: `query.${missing.grade}`, message: `No configuration item ${missing.id}` },
    ]);
  const at = q.at ? Date.parse(q.at) : Date.now();
  const answer = graph.impact({
    failed: Object.fromEntries(failed.map((f) => [f.id, f.grade])),
    depth: q.depth,
    types: q.types,
    at,
  });
  const body = { limit: q.limit, failed };
  const shown = answer.affected.slice(0, body.limit);
  const cis = await cisOf(em, tree, [
    ...body.failed.map((f) => f.id),
    ...shown.flatMap((a) => a.path),
    ...answer.cycles.flat(),
  ]);
  // Services are counted over the whole answer, from the classes the graph holds.
  const services = answer.affected.filter((a) => tree.isA(graph.classOf(a.id) ?? '', 'service')).length;
  const incidents = await openIncidentsOn(em, principal, [...body.failed.map((f) => f.id), ...shown.map((a) => a.id)]);
  const on = (id: string) => incidents.get(id) ?? [];
  const name = (id: string) => cis.get(id)?.name ?? id;
  const ref = (id: string) => ({ id, name: name(id) });
  return {
    at: new Date(at).toISOString(),
    failed: body.failed.map((f) => ({ ci: cis.get(f.id)!, grade: f.grade, incidents: on(f.id) })),
    affected: shown.map((a) => ({
      ci: cis.get(a.id)!,
      grade: a.grade,
      depth: a.depth,
      rule: a.rule.kind === 'relation' ? { ...a.rule, fromName: name(a.rule.from) } : { ...a.rule },
      reason: ruleText(a.rule, name),
      path: a.path.map(ref),
      incidents: on(a.id),
    })),
    total: answer.total,
    services,
    cycles: answer.cycles.map((c) => c.map(ref)),
  };
}

export async function dependencyAnswer(
  em: Em,
  graph: ImpactGraph,
  tree: ClassTree,
  id: string,
  q: { depth: number; types?: RelationType[] | undefined; at?: string | undefined },
): Promise<z.infer<typeof S.DependencyDto>> {
  const deps = graph
    .dependencies({ of: [id], depth: q.depth, types: q.types, at: q.at ? Date.parse(q.at) : Date.now() })
    .slice(0, 500);
  const cis = await cisOf(em, tree, [...deps.map((d) => d.id), ...deps.map((d) => d.of)]);
  return {
    items: deps.map((d) => ({
      ci: cis.get(d.id)!,
      depth: d.depth,
      type: d.type,
      of: { id: d.of, name: cis.get(d.of)?.name ?? d.of },
    })),
  };
}
