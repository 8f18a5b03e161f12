import { z } from 'zod';
import { Team, TeamMember, User } from '../../../db/entities/index.js';
import { type AnyRoute, authed, defineRoute } from '../../kernel/route.js';

export const DirectoryUser = z.object({
  id: z.uuid(),
  email: z.string(),
  displayName: z.string(),
  role: z.string(),
  active: z.boolean(),
  teamIds: z.array(z.uuid()),
});
export const DirectoryTeam = z.object({ id: z.uuid(), name: z.string(), memberIds: z.array(z.uuid()) });

/** Read-only people and teams of the caller's organization, for picking assignees. */
export function directoryRoutes(): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/users',
      summary: "People of the caller's organization ",
      tag: 'directory',
      permission: 'user.read',
      responses: {
        200: { description: 'Users', schema: z.object({ items: z.array(DirectoryUser) }) },
        403: { description: "Without 'user.read'" },
      },
      handler: async (c) => {
        const ctx = authed(c);
        const { em } = ctx.state;
        const users = await em.find(User, {}, { orderBy: { displayName: 'asc' } });
        const members = await em.find(TeamMember, {});
        ctx.body = {
          items: users.map((u) => ({
            id: u.id,
            email: u.email,
            displayName: u.displayName,
            role: u.role,
            active: u.active,
            teamIds: members.filter((m) => m.user.id === u.id).map((m) => m.team.id),
          })),
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/teams',
      summary: "Teams of the caller's organization with their members ",
      tag: 'directory',
      permission: 'user.read',
      responses: {
        200: { description: 'Teams', schema: z.object({ items: z.array(DirectoryTeam) }) },
        403: { description: "Without 'user.read'" },
      },
      handler: async (c) => {
        const ctx = authed(c);
        const { em } = ctx.state;
        const teams = await em.find(Team, {}, { orderBy: { name: 'asc' } });
        const members = await em.find(TeamMember, {});
        ctx.body = {
          items: teams.map((t) => ({
            id: t.id,
            name: t.name,
            memberIds: members.filter((m) => m.team.id === t.id).map((m) => m.user.id),
          })),
        };
      },
    }),
  ];
}
