/** A list query's incidents as a CSV download, with people and teams by name. */
import type { z } from 'zod';
import { Team, User } from '../../db/entities/index.js';
import type { Em } from '../../db/orm.js';
import { incidentKey } from '../../workflows/incident/messages.js';
import type { Principal } from '../kernel/context.js';
import { csvDocument } from '../kernel/csv.js';
import type { StoredIncident } from './dto.js';
import { listIncidents } from './list.js';
import type * as S from './schemas.js';

/** The most rows a CSV export holds. */
const EXPORT_MAX = 10_000;

/** A list query's incidents as CSV, with people and teams by name (10,000 rows at most). */
export async function exportIncidentsCsv(
  em: Em,
  principal: Principal,
  q: z.infer<typeof S.ListIncidentsQuery>,
): Promise<string> {
  const rows: StoredIncident[] = [];
  let cursor = q.cursor;
  do {
    const page = await listIncidents(em, principal, { ...q, limit: 500, offset: 0, cursor });
    rows.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && rows.length < EXPORT_MAX);
  const [users, teams] = await Promise.all([em.find(User, {}), em.find(Team, {})]);
  const person = new Map(users.map((u) => [u.id, u.displayName]));
  const team = new Map(teams.map((t) => [t.id, t.name]));
  const iso = (d: Date | null | undefined) => d?.toISOString() ?? '';
  return csvDocument(
    [
      'key',
      'title',
      'status',
      'priority',
      'impact',
      'urgency',
      'category',
      'assignee',
      'team',
      'requester',
      'createdAt',
      'updatedAt',
      'resolvedAt',
      'responseDueAt',
      'resolutionDueAt',
      'slaBreached',
    ],
    rows
      .slice(0, EXPORT_MAX)
      .map((i) => [
        incidentKey(i.number),
        i.title,
        i.status,
        i.priority,
        i.impact,
        i.urgency,
        i.category ?? '',
        i.assigneeId ? (person.get(i.assigneeId) ?? '') : '',
        i.teamId ? (team.get(i.teamId) ?? '') : '',
        person.get(i.requesterId) ?? '',
        iso(i.createdAt),
        iso(i.updatedAt),
        iso(i.resolvedAt),
        iso(i.responseDueAt),
        iso(i.resolutionDueAt),
        i.slaBreached ? 'yes' : 'no',
      ]),
  );
}
