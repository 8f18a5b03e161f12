/**
 * An organization's class tree: the shipped classes with the attributes the organization added to
 * them, and its own classes below any of them. Checked as a whole with the kernel's
 * `classProblems` before any change is stored.
 */
import type { z } from 'zod';
import { CiClass } from '../../db/entities/index.js';
import type { Em } from '../../db/orm.js';
import {
  type Attribute,
  ClassTree,
  type CmdbClass,
  SHIPPED_CLASSES,
  SHIPPED_CLASS_KEYS,
  classProblems,
} from '../../workflows/kernel/cmdb-classes.js';
import { AppError, notFound } from '../kernel/errors.js';
import type * as S from './schemas.js';

/** The organization's tree: shipped classes (with what it added to them), then its own. */
export async function classTree(em: Em): Promise<ClassTree> {
  return new ClassTree(merge(await em.find(CiClass, {}, { orderBy: { key: 'asc' } })));
}

function merge(rows: readonly CiClass[]): CmdbClass[] {
  const added = new Map(rows.filter((r) => SHIPPED_CLASS_KEYS.has(r.key)).map((r) => [r.key, r.attributes]));
  return [
    ...SHIPPED_CLASSES.map((c) => ({ ...c, attributes: [...c.attributes, ...(added.get(c.key) ?? [])] })),
    ...rows
      .filter((r) => !SHIPPED_CLASS_KEYS.has(r.key))
      .map((r) => ({ key: r.key, name: r.name, parent: r.parent ?? null, attributes: r.attributes })),
  ];
}

export async function classDtos(em: Em, orgId: string): Promise<z.infer<typeof S.ClassDto>[]> {
  const tree = await classTree(em);
  const counts = await em
    .getConnection()
    .execute<{ class_key: string; n: string }[]>(
      'select class_key, count(*) as n from cmdb_items where organization_id = ? group by class_key',
      [orgId],
    );
  const n = new Map(counts.map((c) => [c.class_key, Number(c.n)]));
  return tree.classes.map((c) => ({
    key: c.key,
    name: c.name,
    parent: c.parent,
    shipped: SHIPPED_CLASS_KEYS.has(c.key),
    own: c.attributes,
    attributes: tree.attributesOf(c.key),
    items: n.get(c.key) ?? 0,
  }));
}

/** Refuses a tree with problems (422 `class_invalid`, each at its field). */
function check(classes: CmdbClass[]): void {
  const problems = classProblems(classes);
  if (problems.length)
    throw new AppError(
      422,
      'class_invalid',
      problems[0]!.message,
      problems.map((p) => ({ field: p.field, message: p.message })),
    );
}

export async function createClass(em: Em, orgId: string, body: z.infer<typeof S.ClassBody>): Promise<CiClass> {
  if (SHIPPED_CLASS_KEYS.has(body.key))
    throw new AppError(409, 'key_taken', `${body.key} is a shipped class: add attributes to it instead`, [
      { field: 'key', message: 'taken' },
    ]);
  const rows = await em.find(CiClass, {});
  check([...merge(rows), { key: body.key, name: body.name, parent: body.parent, attributes: body.attributes }]);
  const row = em.create(CiClass, {
    organization: orgId,
    key: body.key,
    name: body.name,
    parent: body.parent,
    attributes: body.attributes,
  });
  await em.flush();
  return row;
}

/**
 * Renames an own class or changes its attributes; a shipped class takes added attributes only. An
 * attribute a CI still has a value for cannot be taken away (409 `attribute_in_use`).
 */
export async function updateClass(
  em: Em,
  orgId: string,
  key: string,
  patch: z.infer<typeof S.ClassPatch>,
): Promise<{ before: Attribute[]; after: Attribute[] }> {
  const rows = await em.find(CiClass, {});
  const shipped = SHIPPED_CLASS_KEYS.has(key);
  let row = rows.find((r) => r.key === key);
  if (!row && !shipped) throw notFound('Class');
  if (shipped && patch.name)
    throw new AppError(422, 'class_invalid', 'A shipped class keeps its name', [{ field: 'name', message: 'fixed' }]);
  const before = row?.attributes ?? [];
  const after = patch.attributes ?? before;
  const shippedOwn = new Set((SHIPPED_CLASSES.find((c) => c.key === key)?.attributes ?? []).map((a) => a.key));
  const clash = after.find((a) => shippedOwn.has(a.key));
  if (clash)
    throw new AppError(422, 'class_invalid', `${clash.key} is already an attribute of ${key}`, [
      { field: `attributes.${clash.key}`, message: 'taken' },
    ]);
  const dropped = before.filter((a) => !after.some((x) => x.key === a.key)).map((a) => a.key);
  if (dropped.length) {
    const classes = new ClassTree(merge(rows)).descendants(key);
    const marks = (xs: unknown[]) => xs.map(() => '?').join(', ');
    // A cleared value is removed from the record, so a key present is a value held.
    const [{ n } = { n: '0' }] = await em
      .getConnection()
      .execute<{ n: string }[]>(
        `select count(*) as n from cmdb_items where organization_id = ? and class_key in (${marks(classes)}) and jsonb_exists_any(attributes, array[${marks(dropped)}]::text[])`,
        [orgId, ...classes, ...dropped],
      );
    const used = Number(n);
    if (used)
      throw new AppError(
        409,
        'attribute_in_use',
        `${used} CI${used === 1 ? ' has' : 's have'} a value for ${dropped.join(', ')}: clear it first`,
        dropped.map((k) => ({ field: `attributes.${k}`, message: 'in use' })),
      );
  }
  if (!row) row = em.create(CiClass, { organization: orgId, key, name: { en: key }, parent: null, attributes: [] });
  if (patch.name) row.name = patch.name;
  row.attributes = after;
  check(merge(rows.some((r) => r.key === key) ? rows : [...rows, row]));
  await em.flush();
  return { before, after };
}
