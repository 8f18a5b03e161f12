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
import type { Em } from '../../db/orm.js';
import type { Principal } from '../kernel/context.js';
import { AppError } from '../kernel/errors.js';
import type * as S from './schemas.js';
import { type StoredIncident, fromRow } from './dto.js';
import { INCIDENT_COLUMNS } from '../../activities/incident/projection.js';

/** Totals are counted up to this; beyond it the page says "more than". */
export const TOTAL_CAP = 1000;
/** Search results are counted up to this. */
export const SEARCH_CAP = 100;
/** A search looks at this many of the newest comments that match (beyond: the incident texts). */
const COMMENT_HITS = SEARCH_CAP + 1;

interface Condition {
  where: string[];
  args: unknown[];
}

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
  nextDueAt: { sql: 'next_due_at', nullable: true, kind: 'time' },
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

/** The columns of a page (all that the projection writes; not the stored search words). */
const COLUMNS = INCIDENT_COLUMNS.map((c) => `i.${c}`).join(', ');
/** The columns any order uses (for ordering matches gathered first). */
const ORDER_COLUMNS =
  'i.number, i.priority, i.status, i.created_at, i.updated_at, i.response_due_at, i.resolution_due_at';
/** How many of the newest incidents (and comments) a search looks at before it asks the indexes. */
const SEARCH_WINDOW = 4000;

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
    const mine = (
      await em.execute<{ team_id: string }[]>(
        'select team_id from team_members where user_id = ? and organization_id = ?',
        [principal.userId, principal.orgId],
      )
    ).map((m) => m.team_id);
    if (mine.length) inList('i.team_id', mine);
    else where.push('false');
  } else if (q.teamId === 'none') where.push('i.team_id is null');
  else if (q.teamId) {
    where.push('i.team_id = ?');
    args.push(q.teamId);
  }
  if (q.dueBefore) {
    // next_due_at is the sooner of the two running clocks' deadlines (a stored column).
    where.push('i.next_due_at < ?');
    args.push(new Date(q.dueBefore));
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
  if (q.ciId) {
    where.push('i.ci_ids @> ?::jsonb');
    args.push(JSON.stringify([q.ciId]));
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
  const [rows, n] = q.q
    ? await searchPage(em, principal, q, q.q, { where: pageWhere, args: pageArgs }, { where, args }, order, offset)
    : await pageWithTotal(
        em,
        `select ${COLUMNS} from incidents i where ${pageWhere.join(' and ')} order by ${order} limit ? offset ?`,
        [...pageArgs, q.limit, offset],
        `select 1 from incidents i where ${filtered} limit ${TOTAL_CAP + 1}`,
        args,
      );
  const items = rows.map(fromRow);
  const last = items.at(-1);
  const lastValue = (i: StoredIncident): string | number | null => {
    // next_due_at is derived in the table (the sooner running deadline); derived the same here.
    const due = [i.responseDueAt, i.resolutionDueAt].filter((d): d is Date => !!d).map((d) => d.getTime());
    const v =
      field === 'nextDueAt'
        ? due.length
          ? new Date(Math.min(...due))
          : null
        : (i as unknown as Record<string, unknown>)[field];
    return v instanceof Date ? v.toISOString() : ((v as string | number | null | undefined) ?? null);
  };
  const cap = q.q ? SEARCH_CAP : TOTAL_CAP;
  return {
    items,
    total: Math.min(n, cap),
    totalCapped: n > cap,
    nextCursor: last && items.length === q.limit ? encodeCursor([lastValue(last), last.number]) : null,
  };
}

/**
 * A page of a search. An incident is found by its number, by all the words in its text (title,
 * description, resolution notes), or by all the words in one of its comments (work notes only for
 * those who read them); words match whole words, in any case.
 * Full-text indexes with the 'simple' configuration (words as written, any language): their word
 * statistics let the planner choose per search between walking the order's index (a common word
 * fills a page at once) and the text index (a rare one, whose list is short even beside a common
 * one). Each way is bounded by what the page needs; for comments, the newest matching ones count.
 */
async function searchPage(
  em: Em,
  principal: Principal,
  q: z.infer<typeof S.ListIncidentsQuery>,
  text: string,
  page: Condition,
  all: Condition,
  order: string,
  offset: number,
): Promise<[Record<string, unknown>[], number]> {
  const number = /^(?:INC-)?(\d{1,9})$/i.exec(text.trim())?.[1];
  // "INC-42" names a ticket; a bare "42" may also be a word (an error code) in the text.
  const query = /^INC-\d+$/i.test(text.trim()) ? null : tsQuery(text);
  const types = principal.permissions.has('incident.work_note') ? ['comment', 'work_note'] : ['comment'];
  /**
   * The ids that match, at most `limit` of each way. With `window`: only among that many of the
   * newest incidents in the page's order, and of the newest comments — a bounded walk that a common
   * word ends with a full page. Without: all matches, from the text indexes first (materialized, so
   * the planner cannot trade the index for a walk that a rare word would never end).
   */
  const hits = (c: Condition, limit: number, window?: number): { sql: string; args: unknown[] } => {
    const w = c.where.join(' and ');
    const kinds = types.map(() => '?').join(', ');
    const parts: string[] = [];
    const args: unknown[] = [];
    if (query && window) {
      parts.push(
        `(select x.workflow_id from (select i.workflow_id, i.search_vector from incidents i where ${w}
            order by ${order} limit ${window}) x where x.search_vector @@ to_tsquery('simple', ?) limit ${limit})`,
        `(select i.workflow_id from (select e.ticket_workflow_id from (select e.ticket_workflow_id, e.search_vector
              from ticket_events e where e.organization_id = ? and e.ticket_type = 'INC' and e.type in (${kinds})
              order by e.organization_id desc, e.ticket_type desc, e.id desc limit ${window}) e
            where e.search_vector @@ to_tsquery('simple', ?) limit ${COMMENT_HITS}) c
          join incidents i on i.workflow_id = c.ticket_workflow_id where ${w})`,
      );
      args.push(...c.args, query, principal.orgId, ...types, query, ...c.args);
    } else if (query) {
      parts.push(
        `(select workflow_id from (select i.workflow_id, ${ORDER_COLUMNS} from incidents i
            where i.search_vector @@ to_tsquery('simple', ?) and ${w} offset 0) m order by ${materializedOrder} limit ${limit})`,
        // The newest matching comments, then their incidents under the page's filters.
        `(select i.workflow_id from (select e.ticket_workflow_id from ticket_events e
            where e.search_vector @@ to_tsquery('simple', ?) and e.organization_id = ? and e.ticket_type = 'INC' and e.type in (${kinds})
            order by e.organization_id desc, e.ticket_type desc, e.id desc limit ${COMMENT_HITS}) c
          join incidents i on i.workflow_id = c.ticket_workflow_id where ${w})`,
      );
      args.push(query, ...c.args, query, principal.orgId, ...types, ...c.args);
    }
    if (number) {
      parts.push(`(select i.workflow_id from incidents i where ${w} and i.number = ?)`);
      args.push(...c.args, Number(number));
    }
    return { sql: parts.length ? parts.join(' union ') : 'select null::varchar where false', args };
  };
  // The order again, over the materialized matches (same columns, without the table alias).
  const materializedOrder = order.replace(/\bi\./g, '');
  const run = async (window?: number): Promise<[Record<string, unknown>[], number]> => {
    const counted = hits(all, SEARCH_CAP + 1, window);
    if (!q.cursor && offset + q.limit <= SEARCH_CAP + 1) {
      // The first pages: the matches counted are the page's too (one union to plan, not two).
      const rows = await em.execute<Record<string, unknown>[]>(
        `with found as (${counted.sql}),
              page as (select p.*, row_number() over () as lintas_row from (select ${COLUMNS} from incidents i
                where i.workflow_id in (select workflow_id from found) and ${all.where.join(' and ')}
                order by ${order} limit ? offset ?) p),
              total as (select count(*) as lintas_total from found)
         select total.lintas_total, page.* from total left join page on true order by page.lintas_row`,
        [...counted.args, ...all.args, q.limit, offset],
      );
      return [rows.filter((r) => r['workflow_id'] != null), Number(rows[0]?.['lintas_total'] ?? 0)];
    }
    const onPage = hits(page, offset + q.limit, window);
    return pageWithTotal(
      em,
      `select ${COLUMNS} from incidents i where i.workflow_id in (${onPage.sql}) and ${page.where.join(' and ')}
       order by ${order} limit ? offset ?`,
      [...onPage.args, ...page.args, q.limit, offset],
      counted.sql,
      counted.args,
    );
  };
  if (!query) return run();
  // Among the newest first: a common word fills the page and passes the count's cap there, and that
  // answer is exact (the page's rows are the first matches in its order). Otherwise: all matches.
  const walked = await run(SEARCH_WINDOW);
  if (walked[0].length === q.limit && walked[1] > SEARCH_CAP && SEARCH_WINDOW >= offset + q.limit) return walked;
  return run();
}

/**
 * A text search as a tsquery: every word ("printer & fails"). Whole words, not prefixes: a prefix
 * query hides from the planner how common a word is. Words are letters and digits only, so
 * nothing a person types can be tsquery syntax. Null without words.
 */
export function tsQuery(text: string): string | null {
  const words = (
    text
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  ).slice(0, 8);
  return words.length ? words.join(' & ') : null;
}

/**
 * A page and the number of rows `counting` yields, in one statement: one round trip per list
 * request instead of two (at a desk's request rate, round trips cost more than these queries).
 */
async function pageWithTotal(
  em: Em,
  page: string,
  pageArgs: unknown[],
  counting: string,
  countArgs: unknown[],
): Promise<[Record<string, unknown>[], number]> {
  const rows = await em.execute<Record<string, unknown>[]>(
    // lintas_row keeps the page's order through the join (numbered as the ordered subquery yields).
    `with page as (select p.*, row_number() over () as lintas_row from (${page}) p),
          total as (select count(*) as lintas_total from (${counting}) counted)
     select total.lintas_total, page.* from total left join page on true order by page.lintas_row`,
    [...pageArgs, ...countArgs],
  );
  const n = Number(rows[0]?.['lintas_total'] ?? 0);
  return [rows.filter((r) => r['workflow_id'] != null), n];
}
