/**
 * Tickets use the CMDB: the configuration items an incident or a request names are checked here,
 * and the tickets on a CI are read here (for the CI page and the impact answer). Tickets keep their
 * CIs as a JSON list of ids (`ci_ids`, GIN-indexed), written by their workflows' projections.
 */
import { ConfigurationItem, TeamMember } from '../../db/entities/index.js';
import type { Em } from '../../db/orm.js';
import { incidentKey } from '../../workflows/incident/messages.js';
import { OPEN_STATUSES } from '../../workflows/kernel/incident-lifecycle.js';
import { TERMINAL_REQUEST_STATUSES, requestKey } from '../../workflows/request/messages.js';
import type { Principal } from '../kernel/context.js';
import type { FormField } from '../../workflows/kernel/form.js';
import type { FieldError } from '../kernel/errors.js';
import { classTree } from './classes.js';

/** Statuses of a CI that takes no new tickets. */
const GONE = new Set(['retired', 'disposed']);

/**
 * What is wrong with the CIs a ticket is to affect: each must be in the organization, and a CI
 * newly named must not be retired or disposed (one the ticket already names may stay).
 */
export async function affectedCiProblems(
  em: Em,
  ids: readonly string[],
  field: string,
  already: readonly string[] = [],
): Promise<FieldError[]> {
  if (!ids.length) return [];
  const rows = await em.find(ConfigurationItem, { id: { $in: [...ids] } }, { fields: ['id', 'name', 'status'] });
  const byId = new Map(rows.map((r) => [r.id, r]));
  const out: FieldError[] = [];
  ids.forEach((id, i) => {
    const ci = byId.get(id);
    if (!ci) out.push({ field: `${field}.${i}`, message: 'No configuration item with this id' });
    else if (GONE.has(ci.status) && !already.includes(id))
      out.push({ field: `${field}.${i}`, message: `${ci.name} is ${ci.status}: it takes no new tickets` });
  });
  return out;
}

/**
 * The CIs a catalog form's CI field offers the requester: in service (not retired or disposed), of
 * the field's class or one below it, and with `ciMine` only those the requester or a team of
 * theirs owns. Names only, 20 at most, by name.
 */
async function offeredWhere(em: Em, requesterId: string, field: FormField) {
  const tree = await classTree(em);
  const where: Record<string, unknown> = { status: { $nin: [...GONE] } };
  if (field.ciClass) where['classKey'] = { $in: tree.descendants(field.ciClass) };
  if (field.ciMine) {
    const teams = (await em.find(TeamMember, { user: requesterId })).map((m) => m.team.id);
    where['$or'] = [{ ownerUser: requesterId }, ...(teams.length ? [{ ownerTeam: { $in: teams } }] : [])];
  }
  return { where, tree };
}

export async function ciChoices(em: Em, requesterId: string, field: FormField, q: string) {
  const { where, tree } = await offeredWhere(em, requesterId, field);
  const like = q ? `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const rows = await em.find(
    ConfigurationItem,
    like ? { $and: [where, { $or: [{ name: { $ilike: like } }, { assetTag: { $ilike: like } }] }] } : where,
    { orderBy: { name: 'asc' }, limit: 20, fields: ['id', 'name', 'classKey'] },
  );
  return rows.map((r) => ({ id: r.id, name: r.name, className: tree.get(r.classKey)?.name ?? { en: r.classKey } }));
}

/** Why a CI field's answer cannot be taken (null: it can): the CI must be one the field offers the requester. */
export async function ciAnswerProblem(
  em: Em,
  requesterId: string,
  field: FormField,
  id: string,
): Promise<string | null> {
  const { where, tree } = await offeredWhere(em, requesterId, field);
  if (await em.count(ConfigurationItem, { $and: [where, { id }] })) return null;
  const ci = await em.findOne(ConfigurationItem, { id }, { fields: ['id', 'status', 'classKey'] });
  if (!ci) return 'No configuration item with this id';
  if (GONE.has(ci.status)) return `This configuration item is ${ci.status}`;
  if (field.ciClass && !tree.isA(ci.classKey, field.ciClass)) return 'Pick a configuration item of the kind asked';
  return 'Pick one of your own configuration items';
}

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

export interface TicketOnCi {
  type: 'incident' | 'request';
  key: string;
  title: string;
  status: string;
  priority: string | null;
  open: boolean;
  updatedAt: string;
}

/**
 * The tickets on a CI the principal may read (incidents with `incident.read`, requests with
 * `request.read`): every open one (up to 50 a type) and the 10 most recently updated others.
 */
export async function ticketsOn(em: Em, principal: Principal, ciId: string): Promise<TicketOnCi[]> {
  const db = em.getConnection();
  const on = JSON.stringify([ciId]);
  const out: TicketOnCi[] = [];
  const at = (d: unknown) => new Date(d as string).toISOString();
  if (principal.permissions.has('incident.read')) {
    const open = [...OPEN_STATUSES];
    const isOpen = `status in (${placeholders(open.length)})`;
    const rows = await db.execute<Record<string, unknown>[]>(
      `(select number, title, status, priority, updated_at, true as open from incidents
         where organization_id = ? and ci_ids @> ?::jsonb and ${isOpen} order by updated_at desc limit 50)
       union all
       (select number, title, status, priority, updated_at, false as open from incidents
         where organization_id = ? and ci_ids @> ?::jsonb and not ${isOpen} order by updated_at desc limit 10)`,
      [principal.orgId, on, ...open, principal.orgId, on, ...open],
    );
    for (const r of rows)
      out.push({
        type: 'incident',
        key: incidentKey(Number(r['number'])),
        title: String(r['title']),
        status: String(r['status']),
        priority: String(r['priority']),
        open: r['open'] === true,
        updatedAt: at(r['updated_at']),
      });
  }
  if (principal.permissions.has('request.read')) {
    const done = [...TERMINAL_REQUEST_STATUSES];
    const isDone = `status in (${placeholders(done.length)})`;
    const rows = await db.execute<Record<string, unknown>[]>(
      `(select number, title, status, updated_at, true as open from requests
         where organization_id = ? and ci_ids @> ?::jsonb and not ${isDone} order by updated_at desc limit 50)
       union all
       (select number, title, status, updated_at, false as open from requests
         where organization_id = ? and ci_ids @> ?::jsonb and ${isDone} order by updated_at desc limit 10)`,
      [principal.orgId, on, ...done, principal.orgId, on, ...done],
    );
    for (const r of rows)
      out.push({
        type: 'request',
        key: requestKey(Number(r['number'])),
        title: String(r['title']),
        status: String(r['status']),
        priority: null,
        open: r['open'] === true,
        updatedAt: at(r['updated_at']),
      });
  }
  return out.sort((a, b) => Number(b.open) - Number(a.open) || b.updatedAt.localeCompare(a.updatedAt));
}

export interface OpenIncident {
  key: string;
  title: string;
  priority: string;
}

/** The open incidents on each of these CIs (most urgent first), for a reader of every incident. */
export async function openIncidentsOn(
  em: Em,
  principal: Principal,
  ciIds: readonly string[],
): Promise<Map<string, OpenIncident[]>> {
  const out = new Map<string, OpenIncident[]>();
  if (!ciIds.length || !principal.permissions.has('incident.read')) return out;
  const open = [...OPEN_STATUSES];
  const ids = [...new Set(ciIds)];
  const rows = await em.getConnection().execute<Record<string, unknown>[]>(
    `select c.ci, i.number, i.title, i.priority from incidents i
       cross join lateral jsonb_array_elements_text(i.ci_ids) as c(ci)
      where i.organization_id = ? and i.ci_ids is not null and i.status in (${placeholders(open.length)})
        and c.ci in (${placeholders(ids.length)})
      order by i.priority asc, i.number desc`,
    [principal.orgId, ...open, ...ids],
  );
  for (const r of rows) {
    const ci = String(r['ci']);
    const list = out.get(ci) ?? [];
    list.push({ key: incidentKey(Number(r['number'])), title: String(r['title']), priority: String(r['priority']) });
    out.set(ci, list);
  }
  return out;
}
