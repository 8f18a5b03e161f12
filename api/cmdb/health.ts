/**
 * CMDB data quality (like a CMDB health dashboard): per class, the CIs missing a required
 * attribute, without an owner (neither a person nor a team), stale (neither changed nor reported
 * by a discovery source in `staleDays`), and orphans (no relation holding now); a score per class
 * is the share of its CIs with none of these. Retired and disposed CIs are left out: they are expected to go quiet.
 */
import type { Em } from '../../db/orm.js';
import type { ClassTree } from '../../workflows/kernel/cmdb-classes.js';

export const HEALTH_CHECKS = ['missingRequired', 'noOwner', 'stale', 'orphan'] as const;
export type HealthCheck = (typeof HEALTH_CHECKS)[number];

export interface ClassHealth {
  classKey: string;
  total: number;
  /** 0–100: the share of CIs with no finding. */
  score: number;
  counts: Record<HealthCheck, number>;
  /** A few CIs for each finding, to open. */
  examples: Record<HealthCheck, { id: string; name: string }[]>;
}

export async function cmdbHealth(em: Em, orgId: string, tree: ClassTree, staleDays: number): Promise<ClassHealth[]> {
  const rows = await em.getConnection().execute<
    {
      id: string;
      name: string;
      class_key: string;
      attributes: Record<string, unknown>;
      owned: boolean;
      stale: boolean;
      related: boolean;
    }[]
  >(
    `select i.id, i.name, i.class_key, i.attributes,
            (i.owner_user_id is not null or i.owner_team_id is not null) as owned,
            greatest(i.updated_at, coalesce(i.discovered_at, i.updated_at)) < now() - make_interval(days => ?) as stale,
            exists (select 1 from cmdb_relations r where r.organization_id = i.organization_id and r.valid_to is null
                    and (r.from_id = i.id or r.to_id = i.id)) as related
       from cmdb_items i
      where i.organization_id = ? and i.status not in ('retired', 'disposed')
      order by i.name`,
    [staleDays, orgId],
  );
  const byClass = new Map<string, ClassHealth & { flagged: number }>();
  for (const r of rows) {
    let h = byClass.get(r.class_key);
    if (!h) {
      h = {
        classKey: r.class_key,
        total: 0,
        score: 100,
        flagged: 0,
        counts: { missingRequired: 0, noOwner: 0, stale: 0, orphan: 0 },
        examples: { missingRequired: [], noOwner: [], stale: [], orphan: [] },
      };
      byClass.set(r.class_key, h);
    }
    h.total++;
    const required = tree.attributesOf(r.class_key).filter((a) => a.required);
    const findings: Record<HealthCheck, boolean> = {
      missingRequired: required.some((a) => r.attributes[a.key] === undefined || r.attributes[a.key] === null),
      noOwner: !r.owned,
      stale: r.stale,
      orphan: !r.related,
    };
    let any = false;
    for (const c of HEALTH_CHECKS)
      if (findings[c]) {
        any = true;
        h.counts[c]++;
        if (h.examples[c].length < 10) h.examples[c].push({ id: r.id, name: r.name });
      }
    if (any) h.flagged++;
  }
  return [...byClass.values()]
    .map(({ flagged, ...h }) => ({ ...h, score: Math.round((100 * (h.total - flagged)) / h.total) }))
    .sort((a, b) => a.score - b.score || b.total - a.total);
}
