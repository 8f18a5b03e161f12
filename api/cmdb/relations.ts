/**
 * Relations and redundancy groups. A relation joins two CIs of the organization by a type whose
 * class pairs allow them, never closes a cycle along a type that cannot have one, and is ended
 * (its `validTo` set), never deleted. Graph writes of one organization take its revision row's
 * lock first, so two relations that would close a cycle together cannot both pass the check.
 */
import type { z } from 'zod';
import { CiRelation, ConfigurationItem, RedundancyGroup, User } from '../../db/entities/index.js';
import type { Em } from '../../db/orm.js';
import { RELATION_RULES, type RelationType, cycleThrough, pairProblem } from '../../workflows/kernel/cmdb-relations.js';
import { AppError, notFound, validationFailed } from '../kernel/errors.js';
import { classTree } from './classes.js';
import { bumpGraph } from './items.js';
import type * as S from './schemas.js';

export type RelationDto = z.infer<typeof S.RelationDto>;

export function relationDto(r: CiRelation): RelationDto {
  const rule = RELATION_RULES[r.type];
  const ref = (c: ConfigurationItem) => ({ id: c.id, name: c.name, classKey: c.classKey });
  return {
    id: r.id,
    type: r.type,
    from: ref(r.from),
    to: ref(r.to),
    reading: rule.reading,
    inverse: rule.inverse,
    group: r.group ? { id: r.group.id, name: r.group.name, minUp: r.group.minUp } : null,
    validFrom: r.validFrom.toISOString(),
    validTo: r.validTo?.toISOString() ?? null,
    note: r.note ?? null,
  };
}

/** A CI's relations either way: those holding at `at`, or every one ever (`all`). */
export async function relationsOf(em: Em, ciId: string, at: Date | 'all'): Promise<CiRelation[]> {
  const when = at === 'all' ? {} : { validFrom: { $lte: at }, $or: [{ validTo: null }, { validTo: { $gt: at } }] };
  return em.find(
    CiRelation,
    { $and: [{ $or: [{ from: ciId }, { to: ciId }] }, when] },
    { populate: ['from', 'to', 'group'], orderBy: { validFrom: 'desc' } },
  );
}

/** The current relations of one type out of each of `ids`, a level at a time (for the cycle check). */
async function nextOf(tx: Em, orgId: string, type: RelationType, ids: string[]): Promise<Map<string, string[]>> {
  const rows = await tx
    .getConnection()
    .execute<{ from_id: string; to_id: string }[]>(
      `select from_id, to_id from cmdb_relations where organization_id = ? and type = ? and valid_to is null and from_id in (${ids.map(() => '?').join(', ')})`,
      [orgId, type, ...ids],
    );
  const out = new Map<string, string[]>();
  for (const r of rows) out.set(r.from_id, [...(out.get(r.from_id) ?? []), r.to_id]);
  return out;
}

/** The path that `from → to` would close along `type`, reading the stored graph level by level. */
async function cycleIn(tx: Em, orgId: string, type: RelationType, from: string, to: string): Promise<string[] | null> {
  const known = new Map<string, string[]>();
  let frontier = [to];
  for (let level = 0; frontier.length && level < 10_000; level++) {
    const next = await nextOf(tx, orgId, type, frontier);
    frontier = [];
    for (const [k, v] of next) {
      known.set(k, v);
      for (const n of v) if (!known.has(n)) frontier.push(n);
    }
    if ([...next.values()].some((v) => v.includes(from))) break;
  }
  return cycleThrough(from, to, (id) => known.get(id) ?? []);
}

export async function createRelation(
  em: Em,
  orgId: string,
  userId: string | null,
  body: z.infer<typeof S.RelationBody>,
): Promise<CiRelation> {
  const tree = await classTree(em);
  return em.transactional(async (tx) => {
    await bumpGraph(tx, orgId);
    const [from, to] = await Promise.all([
      tx.findOne(ConfigurationItem, { id: body.fromId }),
      tx.findOne(ConfigurationItem, { id: body.toId }),
    ]);
    if (!from) throw validationFailed([{ field: 'fromId', message: 'No configuration item with this id' }]);
    if (!to) throw validationFailed([{ field: 'toId', message: 'No configuration item with this id' }]);
    if (from.id === to.id)
      throw validationFailed(
        [{ field: 'toId', message: 'A CI cannot be related to itself' }],
        'A CI cannot be related to itself',
      );
    const pair = pairProblem(body.type, from.classKey, to.classKey, tree);
    if (pair) throw new AppError(422, 'relation_not_allowed', pair, [{ field: 'type', message: pair }]);
    for (const end of [from, to])
      if (end.status === 'disposed')
        throw new AppError(409, 'ci_disposed', `${end.name} is disposed and takes no new relations`);
    const same = await tx.count(CiRelation, { type: body.type, from: from.id, to: to.id, validTo: null });
    if (same)
      throw new AppError(
        409,
        'relation_exists',
        `${from.name} is already ${RELATION_RULES[body.type].reading} ${to.name}`,
      );
    let group: RedundancyGroup | null = null;
    if (body.groupId) {
      group = await tx.findOne(RedundancyGroup, { id: body.groupId });
      if (!group || group.ci.id !== from.id)
        throw validationFailed([{ field: 'groupId', message: `No redundancy group of ${from.name} with this id` }]);
      const other = await tx.findOne(CiRelation, { group: group.id, validTo: null });
      if (other && other.type !== body.type)
        throw validationFailed([
          { field: 'groupId', message: `The members of ${group.name} are related by ${other.type}, not ${body.type}` },
        ]);
    }
    if (RELATION_RULES[body.type].acyclic) {
      const cycle = await cycleIn(tx, orgId, body.type, from.id, to.id);
      if (cycle) {
        const names = new Map<string, string>(
          (await tx.find(ConfigurationItem, { id: { $in: cycle } })).map((c) => [c.id, c.name]),
        );
        const path = cycle.map((id) => names.get(id) ?? id).join(' → ');
        throw new AppError(
          409,
          'relation_cycle',
          `This would close a cycle of ${body.type}: ${path}`,
          [],
          {},
          { cycle },
        );
      }
    }
    const relation = tx.create(CiRelation, {
      organization: orgId,
      type: body.type,
      from,
      to,
      group,
      validFrom: body.validFrom ? new Date(body.validFrom) : new Date(),
      validTo: null,
      note: body.note,
      createdBy: userId ? tx.getReference(User, userId) : null,
    });
    await tx.flush();
    return relation;
  });
}

/** Ends a relation at `at` (now by default): it stays readable as of any moment before. */
export async function endRelation(
  em: Em,
  orgId: string,
  userId: string | null,
  id: string,
  at?: string,
): Promise<CiRelation> {
  return em.transactional(async (tx) => {
    await bumpGraph(tx, orgId);
    const r = await tx.findOne(CiRelation, { id }, { populate: ['from', 'to', 'group'] });
    if (!r) throw notFound('Relation');
    if (r.validTo) throw new AppError(409, 'relation_ended', `This relation ended on ${r.validTo.toISOString()}`);
    const end = at ? new Date(at) : new Date();
    if (end < r.validFrom)
      throw validationFailed(
        [{ field: 'at', message: 'A relation cannot end before it began' }],
        'A relation cannot end before it began',
      );
    r.validTo = end;
    r.endedBy = userId ? tx.getReference(User, userId) : null;
    await tx.flush();
    return r;
  });
}

export async function groupDto(em: Em, g: RedundancyGroup): Promise<z.infer<typeof S.GroupDto>> {
  const members = await em.find(CiRelation, { group: g.id, validTo: null }, { populate: ['to'] });
  return {
    id: g.id,
    ciId: g.ci.id,
    name: g.name,
    minUp: g.minUp,
    members: members.map((m) => ({ id: m.to.id, name: m.to.name, classKey: m.to.classKey })),
  };
}

export async function createGroup(em: Em, orgId: string, body: z.infer<typeof S.GroupBody>): Promise<RedundancyGroup> {
  if (!(await em.count(ConfigurationItem, { id: body.ciId })))
    throw validationFailed([{ field: 'ciId', message: 'No configuration item with this id' }]);
  return em.transactional(async (tx) => {
    await bumpGraph(tx, orgId);
    const g = tx.create(RedundancyGroup, { organization: orgId, ci: body.ciId, name: body.name, minUp: body.minUp });
    await tx.flush();
    return g;
  });
}

export async function updateGroup(
  em: Em,
  orgId: string,
  id: string,
  patch: z.infer<typeof S.GroupPatch>,
): Promise<{ group: RedundancyGroup; before: Record<string, unknown> }> {
  return em.transactional(async (tx) => {
    await bumpGraph(tx, orgId);
    const g = await tx.findOne(RedundancyGroup, { id });
    if (!g) throw notFound('Redundancy group');
    const before = { name: g.name, minUp: g.minUp };
    if (patch.name !== undefined) g.name = patch.name;
    if (patch.minUp !== undefined) g.minUp = patch.minUp;
    await tx.flush();
    return { group: g, before };
  });
}
