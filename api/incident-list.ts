/**
 * The incident queue at a real desk's scale (a million incidents in an organization): one SQL
 * statement per page that names the organization as a plain column predicate (no joins for the
 * tenant filter), ordered to match an index per saved view (db/migrations: partial indexes on
 * open incidents by priority, by assignee, by team, unassigned, by due time), keyset paging (the
 * next page starts after the last row, so page 20 costs what page 1 costs), a total counted up to
 * a cap, and search by ticket number or words in the title, description, resolution notes and
 * comments through trigram indexes.
 */
import type { z } from 'zod';
import { Incident, TeamMember } from '../db/entities/index.js';
import type { Em } from '../db/orm.js';
import type { Principal } from './context.js';
import { AppError } from './errors.js';
import type * as S from './schemas.js';

/** Totals are counted up to this; beyond it the page says "more than". */
export const TOTAL_CAP = 1000;

const COLUMN: Record<
  (typeof S.SORT_FIELDS)[number],
  { sql: string; nullable: boolean; kind: 'text' | 'time' | 'int' }
> = {
  createdAt: { sql: 'created_at', nullable: false, kind: 'time' },
  updatedAt: { sql: 'updated_at', nullable: false, kind: 'time' },
  priority: { sql: 'priority', nullable: false, kind: 'text' },
  number: { sql: 'number', nullable: false, kind: 'int' },
  status: { sql: 'status', nullable: false, kind: 'text' },
  responseDueAt: { sql: 'response_due_at', nullable: true, kind: 'time' },
  resolutionDueAt: { sql: 'resolution_due_at', nullable: true, kind: 'time' },
};

type Cursor = [value: string | number | null, number: number];

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor(text: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(c) &&
      c.length === 2 &&
      (c[0] === null || typeof c[0] === 'string' || typeof c[0] === 'number') &&
      Number.isInteger(c[1])
    )
      return c as Cursor;
  } catch {
    // fall through
  }
  throw new AppError(400, 'invalid_parameter', 'The cursor is not one this API handed out', [
    { field: 'query.cursor', message: 'invalid' },
  ]);
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The words of a search, each at least 3 characters when there are longer ones (trigrams). */
function searchWords(q: string): string[] {
  const words = q.split(/\s+/).filter(Boolean);
  const long = words.filter((w) => w.length >= 3);
  return (long.length ? long : words).slice(0, 8);
}

/** The text of an incident that search looks in (the trigram index is on exactly this). */
export const SEARCH_TEXT = `(title || ' ' || description || ' ' || coalesce(resolution_notes, ''))`;

export async function listIncidents(em: Em, principal: Principal, q: z.infer<typeof S.ListIncidentsQuery>) {
  const where: string[] = ['i.organization_id = ?'];
  const args: unknown[] = [principal.orgId];
  const inList = (col: string, values: readonly unknown[]) => {
    where.push(`${col} in (${values.map(() => '?').join(', ')})`);
    args.push(...values);
  };
  if (q.status) inList('i.status', q.status);
  if (q.priority) inList('i.priority', q.priority);
  if (q.assigneeId === 'none') where.push('i.assignee_id is null');
  else if (q.assigneeId) {
    where.push('i.assignee_id = ?');
    args.push(q.assigneeId === 'me' ? principal.userId : q.assigneeId);
  }
  if (q.teamId === 'mine') {
    const mine = (await em.find(TeamMember, { user: principal.userId })).map((m) => m.team.id);
    if (mine.length) inList('i.team_id', mine);
    else where.push('false');
  } else if (q.teamId === 'none') where.push('i.team_id is null');
  else if (q.teamId) {
    where.push('i.team_id = ?');
    args.push(q.teamId);
  }
  if (q.dueBefore) {
    where.push('(i.response_due_at < ? or i.resolution_due_at < ?)');
    args.push(new Date(q.dueBefore), new Date(q.dueBefore));
  }
  const ownOnly = !principal.permissions.has('incident.read');
  if (ownOnly || q.requesterId) {
    where.push('i.requester_id = ?');
    args.push(ownOnly || q.requesterId === 'me' ? principal.userId : q.requesterId);
  }
  if (q.watching) {
    where.push('i.watcher_ids @> ?::jsonb');
    args.push(JSON.stringify([principal.userId]));
  }
  if (q.q) {
    const number = /^(?:INC-)?(\d{1,9})$/i.exec(q.q)?.[1];
    const words = searchWords(q.q).map((w) => `%${escapeLike(w)}%`);
    const types = principal.permissions.has('incident.work_note') ? ['comment', 'work_note'] : ['comment'];
    // Ids of incidents whose text has every word, or with a comment that has every word.
    const byText = `select workflow_id from incidents where organization_id = ? and ${words
      .map(() => `${SEARCH_TEXT} ilike ?`)
      .join(' and ')}`;
    const byComment = `select incident_workflow_id from incident_events where organization_id = ? and type in (${types
      .map(() => '?')
      .join(', ')}) and ${words.map(() => `(data->>'body') ilike ?`).join(' and ')}`;
    where.push(`(${number ? 'i.number = ? or ' : ''}i.workflow_id in (${byText} union ${byComment}))`);
    args.push(...(number ? [Number(number)] : []), principal.orgId, ...words, principal.orgId, ...types, ...words);
  }

  const desc = q.sort.startsWith('-');
  const field = q.sort.replace(/^-/, '') as (typeof S.SORT_FIELDS)[number];
  const col = COLUMN[field];
  const c = `i.${col.sql}`;
  // Ascending: field, then the newest first (-number ascending); descending: field and number both
  // descending. Either way one direction per index, so a page is an index range.
  const order =
    field === 'number'
      ? `i.number ${desc ? 'desc' : 'asc'}`
      : desc
        ? `${c} desc, i.number desc`
        : `${c} asc, (-i.number) asc`;

  const filtered = where.join(' and ');
  const pageWhere = [...where];
  const pageArgs = [...args];
  if (q.cursor) {
    const [v, n] = decodeCursor(q.cursor);
    const value = v === null ? null : col.kind === 'time' ? new Date(v as string) : v;
    if (field === 'number') {
      pageWhere.push(desc ? 'i.number < ?' : 'i.number > ?');
      pageArgs.push(n);
    } else if (!desc) {
      // nulls come last ascending
      if (value === null) {
        pageWhere.push(`(${c} is null and (-i.number) > ?)`);
        pageArgs.push(-n);
      } else {
        pageWhere.push(`((${c}, (-i.number)) > (?, ?)${col.nullable ? ` or ${c} is null` : ''})`);
        pageArgs.push(value, -n);
      }
    } else if (value === null) {
      // nulls come first descending
      pageWhere.push(`((${c} is null and i.number < ?) or ${c} is not null)`);
      pageArgs.push(n);
    } else {
      pageWhere.push(`(${c}, i.number) < (?, ?)`);
      pageArgs.push(value, n);
    }
  }
  const offset = q.cursor ? 0 : q.offset;
  const [rows, counted] = await Promise.all([
    em.execute<Record<string, unknown>[]>(
      `select i.* from incidents i where ${pageWhere.join(' and ')} order by ${order} limit ? offset ?`,
      [...pageArgs, q.limit, offset],
    ),
    em.execute<{ n: string | number }[]>(
      `select count(*) as n from (select 1 from incidents i where ${filtered} limit ${TOTAL_CAP + 1}) capped`,
      args,
    ),
  ]);
  const items = rows.map((r) => em.map(Incident, r, { schema: undefined }) as Incident);
  const n = Number(counted[0]?.n ?? 0);
  const last = items.at(-1);
  const lastValue = (i: Incident): string | number | null => {
    const v = (i as unknown as Record<string, unknown>)[field];
    return v instanceof Date ? v.toISOString() : ((v as string | number | null | undefined) ?? null);
  };
  return {
    items,
    total: Math.min(n, TOTAL_CAP),
    totalCapped: n > TOTAL_CAP,
    nextCursor: last && items.length === q.limit ? encodeCursor([lastValue(last), last.number]) : null,
  };
}
