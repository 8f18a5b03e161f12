/** The organization's CIs as CSV, in the columns an import reads back (api/cmdb/import.ts). */
import { type ConfigurationItem, Team, User } from '../../db/entities/index.js';
import type { Em } from '../../db/orm.js';
import type { ClassTree } from '../../workflows/kernel/cmdb-classes.js';
import { EXPIRY_DATES, IDENTIFIERS, type Identifier } from '../../workflows/kernel/cmdb-items.js';
import { csvDocument } from '../kernel/csv.js';
import { COLUMNS } from './import.js';

/** The organization's CIs (filtered as the list is) as CSV, in the columns an import reads. */
export async function exportCsv(em: Em, items: readonly ConfigurationItem[], tree: ClassTree): Promise<string> {
  const users = await em.find(User, { id: { $in: items.flatMap((i) => (i.ownerUser ? [i.ownerUser.id] : [])) } });
  const teams = await em.find(Team, { id: { $in: items.flatMap((i) => (i.ownerTeam ? [i.ownerTeam.id] : [])) } });
  const email = new Map(users.map((u) => [u.id, u.email]));
  const team = new Map(teams.map((t) => [t.id, t.name]));
  const attrKeys = [...new Set(items.flatMap((i) => tree.attributesOf(i.classKey).map((a) => a.key)))];
  const header = [...COLUMNS, ...attrKeys.map((k) => `attr:${k}`)];
  const rows = items.map((i) => [
    i.id,
    i.name,
    i.classKey,
    i.status,
    i.criticality,
    i.ownerUser ? (email.get(i.ownerUser.id) ?? '') : '',
    i.ownerTeam ? (team.get(i.ownerTeam.id) ?? '') : '',
    i.location ?? '',
    i.version ?? '',
    i.description ?? '',
    ...IDENTIFIERS.map((k: Identifier) => i[k] ?? ''),
    ...EXPIRY_DATES.map((k) => i[k] ?? ''),
    ...attrKeys.map((k) => (i.attributes[k] === undefined ? '' : String(i.attributes[k]))),
  ]);
  return csvDocument(header, rows);
}
