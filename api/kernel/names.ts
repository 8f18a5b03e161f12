/** Names of people and teams for a page of answers, looked up in two queries. */
import { Team, User } from '../../db/entities/index.js';
import type { Em } from '../../db/orm.js';

/** Names of people and teams, looked up once for a page. */
export class Names {
  private constructor(
    private readonly users: Map<string, string>,
    private readonly teams: Map<string, string>,
  ) {}

  static async load(em: Em, userIds: Iterable<string>, teamIds: Iterable<string>): Promise<Names> {
    const u = [...new Set(userIds)].filter(Boolean);
    const t = [...new Set(teamIds)].filter(Boolean);
    const users = u.length ? await em.find(User, { id: { $in: u } }) : [];
    const teams = t.length ? await em.find(Team, { id: { $in: t } }) : [];
    return new Names(new Map(users.map((x) => [x.id, x.displayName])), new Map(teams.map((x) => [x.id, x.name])));
  }

  user(id: string | null | undefined): string {
    return id ? (this.users.get(id) ?? 'Unknown') : '';
  }
  team(id: string | null | undefined): string | null {
    return id ? (this.teams.get(id) ?? null) : null;
  }
}
