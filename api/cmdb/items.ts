/**
 * Configuration items: created and edited with their class's attributes judged by the kernel's
 * schema, references (people, teams, CIs of a class) checked to exist in the organization, the
 * lifecycle's moves checked, and identifiers unique where set (the database's partial unique
 * indexes decide between two writes at once). An edit names the revision it was made from.
 */
import { LockMode } from '@mikro-orm/core';
import type { z } from 'zod';
import { ConfigurationItem, Team, User } from '../../db/entities/index.js';
import type { Em } from '../../db/orm.js';
import { type ClassTree, type Reference, attributeProblems } from '../../workflows/kernel/cmdb-classes.js';
import { type CiStatus, transitionProblem } from '../../workflows/kernel/cmdb-items.js';
import { AppError, type FieldError, notFound, validationFailed } from '../kernel/errors.js';
import { Names } from '../kernel/names.js';
import { classTree } from './classes.js';
import type * as S from './schemas.js';

export type ItemDto = z.infer<typeof S.ItemDto>;
type Body = z.infer<typeof S.ItemBody>;
type Patch = z.infer<typeof S.ItemPatch>;

/** Marks the organization's graph changed (and takes its lock: graph writes of one organization go one at a time). */
export async function bumpGraph(tx: Em, orgId: string): Promise<void> {
  await tx.execute(
    'insert into cmdb_revisions (organization_id, revision) values (?, 1) on conflict (organization_id) do update set revision = cmdb_revisions.revision + 1',
    [orgId],
  );
}

export async function itemDtos(em: Em, items: readonly ConfigurationItem[], tree?: ClassTree): Promise<ItemDto[]> {
  const t = tree ?? (await classTree(em));
  const names = await Names.load(
    em,
    items.map((i) => i.ownerUser?.id ?? ''),
    items.map((i) => i.ownerTeam?.id ?? ''),
  );
  return items.map((i) => ({
    id: i.id,
    name: i.name,
    classKey: i.classKey,
    className: t.get(i.classKey)?.name ?? { en: i.classKey },
    status: i.status,
    statusChangedAt: i.statusChangedAt.toISOString(),
    version: i.version ?? null,
    description: i.description ?? null,
    owner: i.ownerUser ? { id: i.ownerUser.id, name: names.user(i.ownerUser.id) } : null,
    ownerTeam: i.ownerTeam ? { id: i.ownerTeam.id, name: names.team(i.ownerTeam.id) ?? 'Unknown' } : null,
    location: i.location ?? null,
    criticality: i.criticality,
    serialNumber: i.serialNumber ?? null,
    assetTag: i.assetTag ?? null,
    hostname: i.hostname ?? null,
    warrantyEnd: i.warrantyEnd ?? null,
    supportEnd: i.supportEnd ?? null,
    licenceExpiry: i.licenceExpiry ?? null,
    attributes: i.attributes,
    revision: i.revision,
    createdAt: i.createdAt.toISOString(),
    updatedAt: i.updatedAt.toISOString(),
    fieldSources: i.fieldSources ?? {},
    discoveredAt: i.discoveredAt ? i.discoveredAt.toISOString() : null,
  }));
}

export async function loadItem(em: Em, id: string): Promise<ConfigurationItem> {
  const item = await em.findOne(ConfigurationItem, { id });
  if (!item) throw notFound('Configuration item');
  return item;
}

/** The fields of a CI as they are judged and stored: identifiers trimmed, blanks as none. */
type Fields = Omit<Body, 'status'>;

/** What is wrong with a CI's fields in this organization: its class, attributes, owners and references. */
async function problemsOf(em: Em, tree: ClassTree, f: Fields): Promise<FieldError[]> {
  if (!tree.get(f.classKey)) return [{ field: 'classKey', message: `No class ${f.classKey}` }];
  const { problems, references } = attributeProblems(f.attributes, tree.attributesOf(f.classKey));
  const out: FieldError[] = problems.map((p) => ({ field: `attributes.${p.key}`, message: p.message }));
  const refs: Reference[] = [...references];
  if (f.ownerUserId) refs.push({ key: 'ownerUserId', type: 'user', id: f.ownerUserId });
  if (f.ownerTeamId) refs.push({ key: 'ownerTeamId', type: 'team', id: f.ownerTeamId });
  for (const r of refs) {
    const field = r.key === 'ownerUserId' || r.key === 'ownerTeamId' ? r.key : `attributes.${r.key}`;
    if (r.type === 'user' && !(await em.count(User, { id: r.id })))
      out.push({ field, message: 'No person with this id' });
    if (r.type === 'team' && !(await em.count(Team, { id: r.id })))
      out.push({ field, message: 'No team with this id' });
    if (r.type === 'ci') {
      const ci = await em.findOne(ConfigurationItem, { id: r.id });
      if (!ci) out.push({ field, message: 'No configuration item with this id' });
      else if (r.ciClass && !tree.isA(ci.classKey, r.ciClass))
        out.push({ field, message: `${ci.name} is not a ${tree.get(r.ciClass)?.name.en ?? r.ciClass}` });
    }
  }
  return out;
}

const clean = (v: string | null | undefined) => (v?.trim() ? v.trim() : null);

function fieldsOf(item: ConfigurationItem): Fields {
  return {
    name: item.name,
    classKey: item.classKey,
    version: item.version ?? null,
    description: item.description ?? null,
    ownerUserId: item.ownerUser?.id ?? null,
    ownerTeamId: item.ownerTeam?.id ?? null,
    location: item.location ?? null,
    criticality: item.criticality,
    serialNumber: item.serialNumber ?? null,
    assetTag: item.assetTag ?? null,
    hostname: item.hostname ?? null,
    warrantyEnd: item.warrantyEnd ?? null,
    supportEnd: item.supportEnd ?? null,
    licenceExpiry: item.licenceExpiry ?? null,
    attributes: item.attributes,
  };
}

function assign(em: Em, item: ConfigurationItem, f: Fields): void {
  item.name = f.name;
  item.classKey = f.classKey;
  item.version = f.version;
  item.description = f.description;
  item.ownerUser = f.ownerUserId ? em.getReference(User, f.ownerUserId) : null;
  item.ownerTeam = f.ownerTeamId ? em.getReference(Team, f.ownerTeamId) : null;
  item.location = f.location;
  item.criticality = f.criticality;
  item.serialNumber = clean(f.serialNumber);
  item.assetTag = clean(f.assetTag);
  item.hostname = clean(f.hostname);
  item.warrantyEnd = f.warrantyEnd;
  item.supportEnd = f.supportEnd;
  item.licenceExpiry = f.licenceExpiry;
  item.attributes = f.attributes;
}

/** Who sets a field when a person does (an edit, a CSV import): it outranks every discovery source. */
export const MANUAL = 'manual';

/** The fields (and `attributes.<key>`) whose value differs between two versions of a CI. */
export function changedPaths(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const differs = (x: unknown, y: unknown) => JSON.stringify(x ?? null) !== JSON.stringify(y ?? null);
  const out = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter(
    (k) => k !== 'attributes' && differs(a[k], b[k]),
  );
  const aa = (a['attributes'] ?? {}) as Record<string, unknown>;
  const ba = (b['attributes'] ?? {}) as Record<string, unknown>;
  for (const k of new Set([...Object.keys(aa), ...Object.keys(ba)]))
    if (differs(aa[k], ba[k])) out.push(`attributes.${k}`);
  return out;
}

export async function createItem(
  em: Em,
  orgId: string,
  userId: string | null,
  body: Body,
  source = MANUAL,
): Promise<ConfigurationItem> {
  const tree = await classTree(em);
  const { status, ...fields } = body;
  const attributes = Object.fromEntries(Object.entries(fields.attributes).filter(([, v]) => v !== null && v !== ''));
  const problems = await problemsOf(em, tree, { ...fields, attributes });
  if (problems.length) throw validationFailed(problems, problems[0]!.message);
  return em.transactional(async (tx) => {
    await bumpGraph(tx, orgId);
    const item = tx.create(ConfigurationItem, {
      organization: orgId,
      name: fields.name,
      classKey: fields.classKey,
      status,
      statusChangedAt: new Date(),
      attributes,
      createdBy: userId,
    });
    assign(tx, item, { ...fields, attributes });
    item.fieldSources = Object.fromEntries(
      changedPaths({}, { ...fieldsOf(item), status: item.status }).map((k) => [k, source]),
    );
    await tx.flush();
    return item;
  });
}

/** The fields whose value an edit changed, before and after (for the history). */
function changes(a: Record<string, unknown>, b: Record<string, unknown>) {
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)]))
    if (JSON.stringify(a[k] ?? null) !== JSON.stringify(b[k] ?? null)) {
      before[k] = a[k] ?? null;
      after[k] = b[k] ?? null;
    }
  return { before, after };
}

/**
 * Edits a CI made from `patch.revision`: a newer revision refuses it (409 `revision_conflict`); a
 * status move the lifecycle does not allow is refused (409 `invalid_transition`); a class change
 * is refused while the CI has current relations (they were allowed for its old class).
 */
export async function updateItem(
  em: Em,
  orgId: string,
  id: string,
  patch: Patch,
  /** Who sets what changes: a person (the default) or a discovery source's key. */
  source = MANUAL,
): Promise<{ item: ConfigurationItem; before: Record<string, unknown>; after: Record<string, unknown> }> {
  const tree = await classTree(em);
  return em.transactional(async (tx) => {
    await bumpGraph(tx, orgId);
    const item = await tx.findOne(ConfigurationItem, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!item) throw notFound('Configuration item');
    if (item.revision !== patch.revision)
      throw new AppError(
        409,
        'revision_conflict',
        `This CI was changed since you opened it (revision ${item.revision}, yours ${patch.revision}): reload it`,
        [],
        {},
        { current: (await itemDtos(tx, [item], tree))[0] },
      );
    const { revision: _r, reason: _why, status, attributes: attrPatch, ...rest } = patch;
    const old = { ...fieldsOf(item), status: item.status };
    const attributes = { ...item.attributes };
    for (const [k, v] of Object.entries(attrPatch ?? {}))
      if (v === null || v === '') delete attributes[k];
      else attributes[k] = v;
    const next: Fields = { ...fieldsOf(item), ...rest, attributes };
    if (next.classKey !== item.classKey) {
      const related = await tx
        .getConnection()
        .execute<{ n: string }[]>(
          'select count(*) as n from cmdb_relations where organization_id = ? and valid_to is null and (from_id = ? or to_id = ?)',
          [orgId, id, id],
        );
      if (Number(related[0]?.n ?? 0))
        throw new AppError(409, 'ci_related', 'End its relations before changing the class of a related CI', [
          { field: 'classKey', message: 'related' },
        ]);
    }
    if (status && status !== item.status) {
      const why = transitionProblem(item.status, status as CiStatus);
      if (why) throw new AppError(409, 'invalid_transition', why, [{ field: 'status', message: why }]);
      item.status = status;
      item.statusChangedAt = new Date();
    }
    const problems = await problemsOf(tx, tree, next);
    if (problems.length) throw validationFailed(problems, problems[0]!.message);
    assign(tx, item, next);
    const now = { ...fieldsOf(item), status: item.status };
    const diff = changes(old, now);
    if (Object.keys(diff.after).length) {
      item.revision += 1;
      item.fieldSources = {
        ...item.fieldSources,
        ...Object.fromEntries(changedPaths(old, now).map((k) => [k, source])),
      };
    }
    await tx.flush();
    return { item, ...diff };
  });
}
