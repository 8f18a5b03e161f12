/**
 * What a CSV import reads of the organization before judging its rows: the people and teams it
 * names (by e-mail and by name), and every CI by id and by identifier with the fields it compares.
 */
import type { Em } from '../../db/orm.js';
import { Team, User } from '../../db/entities/index.js';
import { type CiStatus, IDENTIFIERS, normalizeIdentifier } from '../../workflows/kernel/cmdb-items.js';

export interface Known {
  id: string;
  revision: number;
  status: CiStatus;
  fields: Record<string, unknown>;
}

export interface Directory {
  userByEmail: Map<string, string>;
  teamByName: Map<string, string>;
  has(type: 'user' | 'team' | 'ci', id: string): boolean;
}
export async function lookups(em: Em): Promise<Directory> {
  const users = await em.find(User, {}, { fields: ['id', 'email'] });
  const teams = await em.find(Team, {}, { fields: ['id', 'name'] });
  const ids = new Set([...users.map((u) => u.id), ...teams.map((t) => t.id)]);
  return {
    userByEmail: new Map(users.map((u) => [u.email.toLowerCase(), u.id])),
    teamByName: new Map(teams.map((t) => [t.name.toLowerCase(), t.id])),
    has: (type, id) => type !== 'ci' && ids.has(id),
  };
}

/** Every CI of the organization by identifier, with the fields an import compares. */
export async function knownItems(
  em: Em,
  orgId: string,
): Promise<{ byIdentifier: Map<string, Known>; byId: Map<string, Known>; ids: Set<string> }> {
  const rows = await em.getConnection().execute<
    {
      id: string;
      revision: number;
      status: CiStatus;
      name: string;
      class_key: string;
      criticality: string;
      owner_user_id: string | null;
      owner_team_id: string | null;
      location: string | null;
      version: string | null;
      description: string | null;
      serial_number: string | null;
      asset_tag: string | null;
      hostname: string | null;
      warranty_end: string | null;
      support_end: string | null;
      licence_expiry: string | null;
      attributes: Record<string, unknown>;
    }[]
  >(
    `select id, revision, status, name, class_key, criticality, owner_user_id, owner_team_id, location, version, description,
            serial_number, asset_tag, hostname, warranty_end, support_end, licence_expiry, attributes
       from cmdb_items where organization_id = ?`,
    [orgId],
  );
  const byIdentifier = new Map<string, Known>();
  const all: Known[] = [];
  for (const r of rows) {
    const known: Known = {
      id: r.id,
      revision: r.revision,
      status: r.status,
      fields: {
        name: r.name,
        classKey: r.class_key,
        status: r.status,
        criticality: r.criticality,
        ownerUserId: r.owner_user_id,
        ownerTeamId: r.owner_team_id,
        location: r.location,
        version: r.version,
        description: r.description,
        serialNumber: r.serial_number,
        assetTag: r.asset_tag,
        hostname: r.hostname,
        warrantyEnd: r.warranty_end,
        supportEnd: r.support_end,
        licenceExpiry: r.licence_expiry,
        attributes: r.attributes,
      },
    };
    all.push(known);
    for (const key of IDENTIFIERS) {
      const v = known.fields[key] as string | null;
      if (v) byIdentifier.set(`${key}:${normalizeIdentifier(v)}`, known);
    }
  }
  const byId = new Map(all.map((k) => [k.id, k]));
  return { byIdentifier, byId, ids: new Set(rows.map((r) => r.id)) };
}
