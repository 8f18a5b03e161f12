/**
 * Saved views: a person's named filters of a list, kept on the server so they follow the person
 * to any device, their own or shared with the organization. Each list (scope) is read with its own
 * permission, so a view of a list one may not read is neither listed nor saved.
 */
import { z } from 'zod';
import { SavedView, User } from '../../../db/entities/index.js';
import type { Permission } from '../../../workflows/kernel/permissions.js';
import { AppError, notFound } from '../../kernel/errors.js';
import { type AnyRoute, authed, defineRoute } from '../../kernel/route.js';
import type { Principal } from '../../kernel/context.js';
import { text, uuid } from '../../kernel/schemas.js';

/** The lists views are saved for, and what reading each needs. */
const SCOPES = { 'cmdb.items': 'cmdb.read' } as const satisfies Record<string, Permission>;
type Scope = keyof typeof SCOPES;
const Scope = z.enum(Object.keys(SCOPES) as [Scope, ...Scope[]]);

const ViewBody = z.strictObject({
  scope: Scope,
  name: text(80).min(1),
  query: z
    .record(z.string().regex(/^[a-zA-Z]{1,40}$/, 'a parameter name is letters'), text(500))
    .refine((q) => Object.keys(q).length <= 20, { message: 'at most 20 parameters' })
    .describe("the list's filters as its query parameters"),
  shared: z.boolean().default(false).describe('offered to everyone in the organization who reads the list'),
});
export const SavedViewDto = z.object({
  id: uuid,
  scope: Scope,
  name: z.string(),
  query: z.record(z.string(), z.string()),
  shared: z.boolean(),
  mine: z.boolean(),
  ownerName: z.string(),
});

function mayRead(principal: Principal, scope: Scope) {
  if (!principal.permissions.has(SCOPES[scope]))
    throw new AppError(403, 'forbidden', `Views of this list need the '${SCOPES[scope]}' permission`);
}

export function savedViewRoutes(): AnyRoute[] {
  const tag = 'views';
  const dto = (v: SavedView, principal: Principal, ownerName: string) => ({
    id: v.id,
    scope: v.scope as Scope,
    name: v.name,
    query: v.query,
    shared: v.shared,
    mine: v.owner.id === principal.userId,
    ownerName,
  });
  return [
    defineRoute({
      method: 'get',
      path: '/views',
      summary: "A list's saved views the caller may use: their own and those shared, by name",
      tag,
      permission: 'person',
      query: z.strictObject({ scope: Scope }),
      responses: { 200: { description: 'Views', schema: z.object({ items: z.array(SavedViewDto) }) } },
      handler: async (c, { query }) => {
        const ctx = authed(c);
        const { em, principal } = ctx.state;
        mayRead(principal, query.scope);
        const views = await em.find(
          SavedView,
          { scope: query.scope, $or: [{ owner: principal.userId }, { shared: true }] },
          { orderBy: { name: 'asc' }, populate: ['owner'] },
        );
        ctx.body = { items: views.map((v) => dto(v, principal, (v.owner as User).displayName)) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/views',
      summary: 'Save a view; one of the same name and list of the caller is replaced',
      tag,
      permission: 'person',
      audit: 'view.save',
      body: ViewBody,
      responses: { 201: { description: 'Saved', schema: SavedViewDto } },
      handler: async (c, { body }) => {
        const ctx = authed(c);
        const { em, principal } = ctx.state;
        mayRead(principal, body.scope);
        let view = await em.findOne(SavedView, { owner: principal.userId, scope: body.scope, name: body.name });
        if (view) Object.assign(view, { query: body.query, shared: body.shared });
        else
          view = em.create(SavedView, {
            organization: principal.orgId,
            owner: principal.userId,
            scope: body.scope,
            name: body.name,
            query: body.query,
            shared: body.shared,
          });
        await em.flush();
        ctx.state.audit = { targetType: 'saved_view', targetId: view.id, after: body };
        const me = await em.findOneOrFail(User, { id: principal.userId });
        ctx.status = 201;
        ctx.body = dto(view, principal, me.displayName);
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/views/:id',
      summary: 'Remove one of your saved views',
      tag,
      permission: 'person',
      audit: 'view.delete',
      params: z.strictObject({ id: uuid }),
      responses: { 204: { description: 'Removed' }, 404: { description: 'No such view of yours' } },
      handler: async (c, { params }) => {
        const ctx = authed(c);
        const { em, principal } = ctx.state;
        const view = await em.findOne(SavedView, { id: params.id, owner: principal.userId });
        if (!view) throw notFound('Saved view');
        ctx.state.audit = {
          targetType: 'saved_view',
          targetId: view.id,
          before: { name: view.name, query: view.query },
        };
        em.remove(view);
        await em.flush();
        ctx.status = 204;
      },
    }),
  ];
}
