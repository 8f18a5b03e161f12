/**
 * Discovery: a tool (a source of the organization's, with a precedence) reports CIs by its own
 * ids. A report is matched to a CI by the source's link first, else by serial number, asset tag or
 * hostname (then linked), else it creates one. Each field is taken only where no person and no
 * source of higher precedence set it last (`fieldSources`); what is left is reported as kept. A
 * CI the source already reports under another id is reported as a duplicate, never doubled.
 * Every item is judged and written as a single CI edit is (items.ts), and reported on its own.
 */
import type { z } from 'zod';
import { CmdbSource, CmdbSourceLink, ConfigurationItem } from '../../db/entities/index.js';
import type { Em } from '../../db/orm.js';
import { IDENTIFIERS, type Identifier, normalizeIdentifier } from '../../workflows/kernel/cmdb-items.js';
import type { AuditNote } from '../kernel/context.js';
import { AppError, type FieldError } from '../kernel/errors.js';
import { MANUAL, createItem, updateItem } from './items.js';
import * as S from './schemas.js';

type Discovered = z.infer<typeof S.DiscoveredItem>;
type Report = z.infer<typeof S.DiscoveryReport>;
type ItemReport = Report['items'][number];

/** A person's edit outranks every source. */
const MANUAL_PRECEDENCE = 1000;
const COLUMN: Record<Identifier, string> = {
  serialNumber: 'serial_number',
  assetTag: 'asset_tag',
  hostname: 'hostname',
};

const errorsOf = (err: AppError): FieldError[] =>
  err.fields.length ? err.fields : [{ field: '', message: err.detail }];

export interface Discovery {
  report: Report;
  /** The CIs written (their reminders follow their dates). */
  written: ConfigurationItem[];
  /** One history entry per CI created or changed. */
  audit: NonNullable<AuditNote['also']>;
}

export async function discover(em: Em, orgId: string, source: CmdbSource, items: Discovered[]): Promise<Discovery> {
  const ranks = new Map((await em.find(CmdbSource, {})).map((s) => [s.key, s.precedence]));
  const rank = (by: string) => (by === MANUAL ? MANUAL_PRECEDENCE : (ranks.get(by) ?? 0));
  const reason = `Discovery: ${source.name}`;
  const out: ItemReport[] = [];
  const written: ConfigurationItem[] = [];
  const audit: Discovery['audit'] = [];
  const seenIds = new Set<string>();
  const seenIdentifiers = new Map<string, string>();

  for (const d of items) {
    const row: ItemReport = {
      externalId: d.externalId,
      action: 'error',
      ciId: null,
      matchedBy: null,
      changed: [],
      kept: [],
      errors: [],
    };
    out.push(row);
    // Twice in one report: the second is refused, not guessed at.
    if (seenIds.has(d.externalId)) {
      row.errors.push({ field: 'externalId', message: 'Reported twice in this batch' });
      continue;
    }
    seenIds.add(d.externalId);
    for (const key of IDENTIFIERS) {
      const v = d[key];
      if (!v) continue;
      const norm = `${key}:${normalizeIdentifier(v)}`;
      const other = seenIdentifiers.get(norm);
      if (other) row.errors.push({ field: key, message: `Also reported in this batch as ${other}` });
      else seenIdentifiers.set(norm, d.externalId);
    }
    if (row.errors.length) continue;

    const link = await em.findOne(CmdbSourceLink, { sourceKey: source.key, externalId: d.externalId });
    let ci = link ? await em.findOne(ConfigurationItem, { id: link.ci.id }) : null;
    if (ci) row.matchedBy = 'link';
    else
      for (const key of IDENTIFIERS) {
        const v = d[key];
        if (!v) continue;
        const found = await em
          .getConnection()
          .execute<{ id: string }[]>(
            `select id from cmdb_items where organization_id = ? and lower(trim(${COLUMN[key]})) = ?`,
            [orgId, normalizeIdentifier(v)],
          );
        if (!found[0]) continue;
        const theirs = await em.findOne(CmdbSourceLink, { sourceKey: source.key, ci: found[0].id });
        if (theirs) {
          row.ciId = found[0].id;
          row.errors.push({
            field: key,
            message: `This ${key} is a CI this source reports as ${theirs.externalId}: a duplicate, not added`,
          });
          break;
        }
        ci = await em.findOne(ConfigurationItem, { id: found[0].id });
        row.matchedBy = key;
        break;
      }
    if (row.errors.length) continue;

    const { externalId: _, ...fields } = d;
    try {
      if (!ci) {
        const body = S.ItemBody.parse({ ...fields, status: fields.status ?? 'in_use' });
        const item = await createItem(em, orgId, null, body, source.key);
        Object.assign(row, { action: 'create', ciId: item.id });
        written.push(item);
        audit.push({ action: 'cmdb.item.create', targetType: 'ci', targetId: item.id, after: { ...body, reason } });
      } else {
        row.ciId = ci.id;
        if (fields.classKey !== ci.classKey) {
          row.errors.push({
            field: 'classKey',
            message: `The CI is a ${ci.classKey}; its class is changed on its page, not by discovery`,
          });
          continue;
        }
        const patch = takenFields(ci, fields, source.precedence, rank, row);
        if (!Object.keys(patch).length) row.action = 'unchanged';
        else {
          const { item, before, after } = await updateItem(
            em,
            orgId,
            ci.id,
            { ...patch, revision: ci.revision, reason } as z.infer<typeof S.ItemPatch>,
            source.key,
          );
          row.changed = Object.keys(after);
          row.action = row.changed.length ? 'update' : 'unchanged';
          if (row.changed.length) {
            written.push(item);
            audit.push({
              action: 'cmdb.item.update',
              targetType: 'ci',
              targetId: item.id,
              before,
              after: { ...after, reason },
            });
          }
        }
      }
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      row.action = 'error';
      row.errors.push(...errorsOf(err));
      continue;
    }
    await em.execute(
      `insert into cmdb_source_links (organization_id, source_key, external_id, ci_id, last_seen_at)
       values (?, ?, ?, ?, now())
       on conflict (organization_id, source_key, external_id) do update set ci_id = excluded.ci_id, last_seen_at = now()`,
      [orgId, source.key, d.externalId, row.ciId],
    );
    await em.execute('update cmdb_items set discovered_at = now() where id = ? and organization_id = ?', [
      row.ciId,
      orgId,
    ]);
  }
  const count = (a: ItemReport['action']) => out.filter((r) => r.action === a).length;
  return {
    report: {
      source: source.key,
      items: out,
      created: count('create'),
      updated: count('update'),
      unchanged: count('unchanged'),
      errors: count('error'),
    },
    written,
    audit,
  };
}

/**
 * The reported fields an existing CI takes: those that differ and were last set by no one, by this
 * source, or by one of lower or equal precedence. The rest are noted on the row as kept.
 */
function takenFields(
  ci: ConfigurationItem,
  fields: Omit<Discovered, 'externalId'>,
  precedence: number,
  rank: (by: string) => number,
  row: ItemReport,
): Record<string, unknown> {
  const current = ci as unknown as Record<string, unknown>;
  const same = (k: string, a: unknown, b: unknown) =>
    (IDENTIFIERS as readonly string[]).includes(k) && typeof a === 'string' && typeof b === 'string'
      ? normalizeIdentifier(a) === normalizeIdentifier(b)
      : JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  const mayTake = (path: string) => {
    const by = ci.fieldSources[path];
    if (!by || rank(by) <= precedence) return true;
    row.kept.push({ field: path, by });
    return false;
  };
  const patch: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (k === 'attributes' || k === 'classKey' || v === undefined) continue;
    if (!same(k, v, current[k]) && mayTake(k)) patch[k] = v;
  }
  const attributes: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields.attributes ?? {}))
    if (!same(k, v, ci.attributes[k]) && mayTake(`attributes.${k}`)) attributes[k] = v;
  if (Object.keys(attributes).length) patch['attributes'] = attributes;
  return patch;
}
