/**
 * Automatic assignment of a new incident: the team (named, or routed by category) and, by the
 * team's strategy, a member: round-robin (an atomic turn counter, so simultaneous incidents spread
 * evenly and no turn is lost), skill-based (members whose skills include the category, in turn) or
 * load-based (fewest open incidents weighted by priority). Members out of office or inactive are
 * skipped; with nobody eligible the incident waits in the team queue. The decision is stored per
 * workflow, so a retried activity returns the same one and consumes no second turn.
 */
import { AssignmentDecision, Team, TeamMember, User } from '../../db/entities/index.js';
import { categoryKey } from '../../workflows/kernel/text.js';
import type { Em } from '../../db/orm.js';
import { ASSIGNABLE_ROLES } from '../../workflows/kernel/permissions.js';

export interface AutoAssignInput {
  orgId: string;
  workflowId: string;
  teamId: string | null;
  category: string | null;
}

export interface AutoAssignResult {
  teamId: string | null;
  assigneeId: string | null;
  strategy: string;
}

const OPEN = ['new', 'assigned', 'in_progress', 'pending'];
const WEIGHT_SQL = `case priority when 'P1' then 4 when 'P2' then 3 when 'P3' then 2 else 1 end`;

/** The team that routes a category (compared without regard to case), if any. */
export async function teamForCategory(em: Em, category: string): Promise<Team | null> {
  const key = categoryKey(category);
  const teams = await em.find(Team, {}, { orderBy: { name: 'asc' } });
  return teams.find((t) => (t.categories ?? []).some((c) => categoryKey(c) === key)) ?? null;
}

/** The team a new incident goes to: the one it names, else the one routing its category. */
async function routedTeam(em: Em, input: AutoAssignInput): Promise<Team | null> {
  if (input.teamId) return em.findOne(Team, { id: input.teamId });
  return input.category ? teamForCategory(em, input.category) : null;
}

/** Members who can take work now, in a stable order (by user id). */
async function eligible(em: Em, team: Team): Promise<{ userId: string; skills: string[] }[]> {
  const members = await em.find(TeamMember, { team: team.id });
  if (!members.length) return [];
  const users = await em.find(User, { id: { $in: members.map((m) => m.user.id) }, active: true });
  const now = Date.now();
  const ok = new Set(
    users
      .filter((u) => ASSIGNABLE_ROLES.includes(u.role) && !(u.outOfOfficeUntil && u.outOfOfficeUntil.getTime() > now))
      .map((u) => u.id),
  );
  return members
    .filter((m) => ok.has(m.user.id))
    .map((m) => ({ userId: m.user.id, skills: m.skills ?? [] }))
    .sort((a, b) => (a.userId < b.userId ? -1 : 1));
}

async function nextTurn(em: Em, orgId: string, teamId: string): Promise<number> {
  const rows = await em.execute<{ turn: number }[]>(
    'update teams set turn = turn + 1 where id = ? and organization_id = ? returning turn',
    [teamId, orgId],
  );
  return Number(rows[0]!.turn);
}

async function leastLoaded(em: Em, orgId: string, candidates: string[], teamId: string): Promise<string> {
  const rows = await em.execute<{ assignee_id: string; load: string }[]>(
    `select assignee_id, sum(${WEIGHT_SQL}) as load from incidents
     where organization_id = ? and assignee_id in (${candidates.map(() => '?').join(', ')})
       and status in (${OPEN.map(() => '?').join(', ')})
     group by assignee_id`,
    [orgId, ...candidates, ...OPEN],
  );
  const load = new Map(rows.map((r) => [r.assignee_id, Number(r.load)]));
  const min = Math.min(...candidates.map((c) => load.get(c) ?? 0));
  const tied = candidates.filter((c) => (load.get(c) ?? 0) === min);
  // Ties take turns, so equal loads do not always fall on the same person.
  return tied.length === 1 ? tied[0]! : tied[(await nextTurn(em, orgId, teamId)) % tied.length]!;
}

export async function autoAssign(em: Em, input: AutoAssignInput): Promise<AutoAssignResult> {
  const prior = await em.findOne(AssignmentDecision, { workflowId: input.workflowId });
  if (prior) return { teamId: prior.teamId ?? null, assigneeId: prior.assigneeId ?? null, strategy: prior.strategy };
  const team = await routedTeam(em, input);
  let assigneeId: string | null = null;
  const strategy = team?.assignment ?? 'none';
  if (team && strategy !== 'none') {
    const members = await eligible(em, team);
    const pool =
      strategy === 'skills'
        ? members.filter((m) => input.category && m.skills.some((k) => categoryKey(k) === categoryKey(input.category!)))
        : members;
    if (pool.length) {
      if (strategy === 'load')
        assigneeId = await leastLoaded(
          em,
          input.orgId,
          pool.map((m) => m.userId),
          team.id,
        );
      else assigneeId = pool[((await nextTurn(em, input.orgId, team.id)) - 1) % pool.length]!.userId;
    }
  }
  const decided = { teamId: team?.id ?? null, assigneeId, strategy };
  // Of two concurrent attempts for one incident, the first stored decision wins.
  await em.execute(
    `insert into assignment_decisions (workflow_id, organization_id, team_id, assignee_id, strategy, created_at)
     values (?, ?, ?, ?, ?, ?) on conflict (workflow_id) do nothing`,
    [input.workflowId, input.orgId, decided.teamId, decided.assigneeId, strategy, new Date()],
  );
  // A fresh fork (same tenant) so the row is read from the table, not the identity map.
  const stored = await em.fork().findOneOrFail(AssignmentDecision, { workflowId: input.workflowId });
  return { teamId: stored.teamId ?? null, assigneeId: stored.assigneeId ?? null, strategy: stored.strategy };
}
