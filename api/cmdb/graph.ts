/**
 * The impact graph of each organization, held in memory and rebuilt when its CMDB revision moves
 * (every graph write bumps it in its transaction, so any replica sees the change on its next
 * read). A rebuild reads every CI and every relation, ended ones too (as-of reads need them); two
 * requests that find the graph stale wait for one rebuild.
 */
import type { Em } from '../../db/orm.js';
import { type CiStatus, type Criticality, criticalityRank } from '../../workflows/kernel/cmdb-items.js';
import { type GraphCi, type GraphRelation, ImpactGraph } from '../../workflows/kernel/cmdb-impact.js';
import type { RelationType } from '../../workflows/kernel/cmdb-relations.js';

interface Cached {
  revision: number;
  graph: Promise<ImpactGraph>;
}

/** How many organizations' graphs are kept (the least recently used goes first). */
const KEEP = 16;

export class GraphCache {
  private readonly graphs = new Map<string, Cached>();

  async get(em: Em, orgId: string): Promise<ImpactGraph> {
    const rows = await em
      .getConnection()
      .execute<{ revision: number }[]>('select revision from cmdb_revisions where organization_id = ?', [orgId]);
    const revision = rows[0]?.revision ?? 0;
    const hit = this.graphs.get(orgId);
    if (hit && hit.revision === revision) {
      this.graphs.delete(orgId);
      this.graphs.set(orgId, hit);
      return hit.graph;
    }
    const graph = loadGraph(em, orgId);
    this.graphs.set(orgId, { revision, graph });
    graph.catch(() => this.graphs.get(orgId)?.graph === graph && this.graphs.delete(orgId));
    while (this.graphs.size > KEEP) this.graphs.delete(this.graphs.keys().next().value!);
    return graph;
  }
}

/**
 * A CI is in the graph from its creation; one retired or disposed leaves it when its status
 * changed (an approximation for as-of reads: earlier status changes are in the history only).
 */
export async function loadGraph(em: Em, orgId: string): Promise<ImpactGraph> {
  const conn = em.getConnection();
  const cis = await conn.execute<
    {
      id: string;
      class_key: string;
      criticality: Criticality;
      status: CiStatus;
      created_at: Date;
      status_changed_at: Date;
    }[]
  >(
    'select id, class_key, criticality, status, created_at, status_changed_at from cmdb_items where organization_id = ?',
    [orgId],
  );
  const relations = await conn.execute<
    {
      id: string;
      type: RelationType;
      from_id: string;
      to_id: string;
      group_id: string | null;
      valid_from: Date;
      valid_to: Date | null;
    }[]
  >('select id, type, from_id, to_id, group_id, valid_from, valid_to from cmdb_relations where organization_id = ?', [
    orgId,
  ]);
  const groups = await conn.execute<{ id: string; name: string; min_up: number }[]>(
    'select id, name, min_up from cmdb_groups where organization_id = ?',
    [orgId],
  );
  const time = (d: Date | string) => new Date(d).getTime();
  const graphCis: GraphCi[] = cis.map((c) => ({
    id: c.id,
    classKey: c.class_key,
    criticality: criticalityRank(c.criticality),
    since: time(c.created_at),
    until: c.status === 'retired' || c.status === 'disposed' ? time(c.status_changed_at) : Infinity,
  }));
  const graphRelations: GraphRelation[] = relations.map((r) => ({
    id: r.id,
    type: r.type,
    from: r.from_id,
    to: r.to_id,
    groupId: r.group_id,
    validFrom: time(r.valid_from),
    validTo: r.valid_to ? time(r.valid_to) : Infinity,
  }));
  return new ImpactGraph(
    graphCis,
    graphRelations,
    groups.map((g) => ({ id: g.id, name: g.name, minUp: g.min_up })),
  );
}
