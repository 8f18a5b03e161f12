/**
 * CSV import and export of configuration items. A row is matched to an existing CI by its id (an
 * exported file has them), else serial number, else asset tag, else hostname (compared trimmed
 * and case-insensitive), so importing the
 * same file twice changes nothing the second time; an unmatched row creates a CI. Every row is
 * judged as the API judges a single CI (class, attributes, owners, lifecycle moves, identifiers
 * unique in the organization and in the file) and reported on its own; rows with an error are not
 * written, the others are, in one transaction. A dry run reports without writing.
 */
import type { z } from 'zod';
import { ConfigurationItem } from '../../db/entities/index.js';
import type { Em } from '../../db/orm.js';
import { attributeProblems } from '../../workflows/kernel/cmdb-classes.js';
import {
  CI_STATUSES,
  CRITICALITIES,
  type CiStatus,
  type Criticality,
  EXPIRY_DATES,
  IDENTIFIERS,
  normalizeIdentifier,
  transitionProblem,
} from '../../workflows/kernel/cmdb-items.js';
import { parseCsv } from '../kernel/csv.js';
import { AppError, type FieldError } from '../kernel/errors.js';
import { classTree } from './classes.js';
import { type Directory, type Known, knownItems, lookups } from './import-reads.js';
import { MANUAL, bumpGraph, changedPaths } from './items.js';
import type * as S from './schemas.js';

/** The columns a file may have (besides `attr:<key>` for attributes), as the export writes them. */
export const COLUMNS = [
  'id',
  'name',
  'class',
  'status',
  'criticality',
  'owner',
  'ownerTeam',
  'location',
  'version',
  'description',
  ...IDENTIFIERS,
  ...EXPIRY_DATES,
] as const;
type Column = (typeof COLUMNS)[number];
const TEXT_MAX: Partial<Record<Column, number>> = {
  name: 200,
  location: 200,
  version: 60,
  description: 5000,
  hostname: 255,
};
const DATE = /^\d{4}-\d{2}-\d{2}$/;
export const IMPORT_MAX_ROWS = 50_000;

export type ImportReport = z.infer<typeof S.ImportReport>;
type RowReport = ImportReport['rows'][number];

export async function importCsv(
  em: Em,
  orgId: string,
  userId: string | null,
  text: string,
  dryRun: boolean,
): Promise<ImportReport> {
  const started = Date.now();
  const table = parseCsv(text);
  const header = (table[0] ?? []).map((h) => h.trim());
  const unknown = header.filter(
    (h) => !(COLUMNS as readonly string[]).includes(h) && !/^attr:[a-z][a-z0-9_]{0,39}$/.test(h),
  );
  if (!header.includes('name') && !IDENTIFIERS.some((i) => header.includes(i)))
    throw new AppError(
      422,
      'import_invalid',
      'The first line must name the columns, with name or an identifier among them',
      [{ field: 'csv', message: 'no header' }],
    );
  if (unknown.length)
    throw new AppError(
      422,
      'import_invalid',
      `Unknown columns: ${unknown.join(', ')}`,
      unknown.map((u) => ({ field: `csv.${u}`, message: 'unknown column' })),
    );
  if (table.length - 1 > IMPORT_MAX_ROWS)
    throw new AppError(413, 'import_too_large', `At most ${IMPORT_MAX_ROWS} rows at a time`);
  const tree = await classTree(em);
  const directory = await lookups(em);
  const known = await knownItems(em, orgId);

  const rows: RowReport[] = [];
  const creates: Record<string, unknown>[] = [];
  const updates: { id: string; revision: number; patch: Record<string, unknown>; paths: string[] }[] = [];
  const inFile = new Map<string, number>();
  for (let r = 1; r < table.length; r++) {
    const line = r + 1;
    const cells = Object.fromEntries(header.map((h, i) => [h, (table[r]![i] ?? '').trim()]));
    const errors: FieldError[] = [];
    // Which CI the row is: the first identifier it carries that a CI has.
    let match: Known | undefined;
    if (cells['id']) {
      match = known.byId.get(cells['id']);
      if (!match) errors.push({ field: 'id', message: 'No configuration item with this id' });
    }
    for (const key of IDENTIFIERS) {
      const v = cells[key];
      if (!v) continue;
      const norm = `${key}:${normalizeIdentifier(v)}`;
      const twin = inFile.get(norm);
      if (twin) errors.push({ field: key, message: `Row ${twin} has the same ${key}` });
      inFile.set(norm, line);
      match ??= known.byIdentifier.get(norm);
    }
    const fields = rowFields(cells, header, directory, errors);
    const base = match?.fields ?? {};
    const merged: Record<string, unknown> = {
      ...base,
      ...fields,
      attributes: { ...((base['attributes'] as object) ?? {}), ...(fields['attributes'] as object) },
    };
    for (const [k, v] of Object.entries(merged['attributes'] as Record<string, unknown>))
      if (v === null) delete (merged['attributes'] as Record<string, unknown>)[k];
    const classKey = String(merged['classKey'] ?? '');
    // Cells are text: a number attribute's cell is read as a number.
    const attrs = merged['attributes'] as Record<string, unknown>;
    for (const a of tree.get(classKey) ? tree.attributesOf(classKey) : [])
      if (a.type === 'number' && typeof attrs[a.key] === 'string' && /^-?\d+(\.\d+)?$/.test(attrs[a.key] as string))
        attrs[a.key] = Number(attrs[a.key]);
    if (!match && !merged['name']) errors.push({ field: 'name', message: 'A new CI needs a name' });
    if (!tree.get(classKey))
      errors.push({ field: 'class', message: classKey ? `No class ${classKey}` : 'A new CI needs a class' });
    else {
      const { problems, references } = attributeProblems(
        merged['attributes'] as Record<string, unknown>,
        tree.attributesOf(classKey),
      );
      errors.push(...problems.map((p) => ({ field: `attr:${p.key}`, message: p.message })));
      for (const ref of references)
        if (!directory.has(ref.type, ref.id) && !(ref.type === 'ci' && known.ids.has(ref.id)))
          errors.push({ field: `attr:${ref.key}`, message: `No ${ref.type} with this id` });
    }
    // The identifiers must not belong to another CI than the one matched.
    for (const key of IDENTIFIERS) {
      const v = cells[key];
      const owner = v ? known.byIdentifier.get(`${key}:${normalizeIdentifier(v)}`) : undefined;
      if (owner && match && owner.id !== match.id) errors.push({ field: key, message: `Another CI has this ${key}` });
    }
    if (match && fields['status'] && fields['status'] !== match.status) {
      const why = transitionProblem(match.status, fields['status'] as CiStatus);
      if (why) errors.push({ field: 'status', message: why });
    }
    if (match && fields['classKey'] && fields['classKey'] !== match.fields['classKey'])
      errors.push({ field: 'class', message: 'The class of an existing CI is changed on its page, not by import' });
    if (errors.length) {
      rows.push({ line, action: 'error', ciId: match?.id ?? null, errors });
      continue;
    }
    if (!match) {
      creates.push({
        ...merged,
        status: merged['status'] ?? 'planned',
        criticality: merged['criticality'] ?? 'medium',
      });
      rows.push({ line, action: 'create', ciId: null, errors: [] });
      continue;
    }
    const patch: Record<string, unknown> = {};
    // An identifier the row was matched by, in another case, is the same identifier.
    const same = (k: string, a: unknown, b: unknown) =>
      (IDENTIFIERS as readonly string[]).includes(k) && typeof a === 'string' && typeof b === 'string'
        ? normalizeIdentifier(a) === normalizeIdentifier(b)
        : JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
    for (const [k, v] of Object.entries(merged)) if (!same(k, v, base[k])) patch[k] = v;
    if (!Object.keys(patch).length) rows.push({ line, action: 'unchanged', ciId: match.id, errors: [] });
    else {
      updates.push({ id: match.id, revision: match.revision, patch, paths: changedPaths(base, merged) });
      rows.push({ line, action: 'update', ciId: match.id, errors: [], changed: Object.keys(patch) });
    }
  }

  if (!dryRun && (creates.length || updates.length)) {
    const created = await em.transactional(async (tx) => {
      await bumpGraph(tx, orgId);
      const ids: string[] = [];
      for (const c of creates) {
        const item = tx.create(ConfigurationItem, {
          organization: orgId,
          name: String(c['name']),
          classKey: String(c['classKey']),
          status: c['status'] as CiStatus,
          statusChangedAt: new Date(),
          criticality: c['criticality'] as Criticality,
          attributes: c['attributes'] as Record<string, unknown>,
          createdBy: userId,
          // A person's file: what it sets outranks every discovery source.
          fieldSources: Object.fromEntries(changedPaths({}, c).map((k) => [k, MANUAL])),
          ...columnsOf(c),
        });
        ids.push(item.id);
      }
      for (const u of updates) {
        const set: Record<string, unknown> = { ...columnsOf(u.patch), revision: u.revision + 1 };
        if (u.patch['status']) Object.assign(set, { status: u.patch['status'], statusChangedAt: new Date() });
        if (u.patch['criticality']) set['criticality'] = u.patch['criticality'];
        if (u.patch['name']) set['name'] = u.patch['name'];
        if (u.patch['attributes']) set['attributes'] = u.patch['attributes'];
        const n = await tx.nativeUpdate(ConfigurationItem, { id: u.id, revision: u.revision }, set);
        if (!n) throw new AppError(409, 'revision_conflict', 'A CI in the file was changed meanwhile: import again');
        await tx.execute('update cmdb_items set field_sources = field_sources || ?::jsonb where id = ?', [
          JSON.stringify(Object.fromEntries(u.paths.map((k) => [k, MANUAL]))),
          u.id,
        ]);
      }
      await tx.flush();
      return ids;
    });
    let next = 0;
    for (const row of rows) if (row.action === 'create') row.ciId = created[next++] ?? null;
  }
  const count = (a: RowReport['action']) => rows.filter((r) => r.action === a).length;
  return {
    dryRun,
    rows,
    created: count('create'),
    updated: count('update'),
    unchanged: count('unchanged'),
    errors: count('error'),
    ms: Date.now() - started,
  };
}

/** The row's cells as CI fields (only those the file has; an empty cell clears the field). */
function rowFields(
  cells: Record<string, string>,
  header: string[],
  directory: Directory,
  errors: FieldError[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const attributes: Record<string, unknown> = {};
  for (const h of header) {
    const v = cells[h] ?? '';
    if (h.startsWith('attr:')) {
      const key = h.slice(5);
      attributes[key] = v === '' ? null : v;
      continue;
    }
    const col = h as Column;
    if (col === 'id') continue;
    if (col === 'class') {
      if (v) out['classKey'] = v;
    } else if (col === 'status') {
      if (v && !(CI_STATUSES as readonly string[]).includes(v))
        errors.push({ field: 'status', message: `Not a status: ${v}` });
      else if (v) out['status'] = v;
    } else if (col === 'criticality') {
      if (v && !(CRITICALITIES as readonly string[]).includes(v))
        errors.push({ field: 'criticality', message: `Not a criticality: ${v}` });
      else if (v) out['criticality'] = v;
    } else if (col === 'owner') {
      const id = v ? directory.userByEmail.get(v.toLowerCase()) : null;
      if (v && !id) errors.push({ field: 'owner', message: `No person with the e-mail ${v}` });
      else out['ownerUserId'] = id ?? null;
    } else if (col === 'ownerTeam') {
      const id = v ? directory.teamByName.get(v.toLowerCase()) : null;
      if (v && !id) errors.push({ field: 'ownerTeam', message: `No team named ${v}` });
      else out['ownerTeamId'] = id ?? null;
    } else if ((EXPIRY_DATES as readonly string[]).includes(col)) {
      if (v && (!DATE.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`))))
        errors.push({ field: col, message: 'A date is YYYY-MM-DD' });
      else out[col] = v || null;
    } else {
      const max = TEXT_MAX[col] ?? 120;
      if (v.length > max) errors.push({ field: col, message: `At most ${max} characters` });
      else if (col === 'name') {
        if (v) out['name'] = v;
      } else out[col] = v || null;
    }
  }
  out['attributes'] = attributes;
  return out;
}

/** The plain columns of a row's fields, as the entity names them. */
function columnsOf(f: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of ['location', 'version', 'description', ...IDENTIFIERS, ...EXPIRY_DATES]) if (k in f) out[k] = f[k];
  if ('ownerUserId' in f) out['ownerUser'] = f['ownerUserId'];
  if ('ownerTeamId' in f) out['ownerTeam'] = f['ownerTeamId'];
  return out;
}
