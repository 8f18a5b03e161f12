/**
 * The desk's shared lists: incident categories (a managed list: teams route them, incidents pick
 * them), canned replies, and each person's in-app notifications (the bell).
 */
import { z } from 'zod';
import { CannedReply, Category, InboxItem } from '../../../db/entities/index.js';
import type { Em } from '../../../db/orm.js';
import { categoryKey } from '../../../workflows/kernel/text.js';
import { AppError, notFound, validationFailed } from '../../kernel/errors.js';
import { type AnyRoute, authed, defineRoute } from '../../kernel/route.js';
import { text } from '../../kernel/schemas.js';

const CategoryDto = z.object({ id: z.uuid(), name: z.string(), active: z.boolean() });
const CannedDto = z.object({ id: z.uuid(), title: z.string(), body: z.string(), updatedAt: z.string() });
const InboxDto = z.object({
  id: z.number().int(),
  kind: z.string(),
  incidentKey: z.string(),
  revision: z.number().int(),
  actorId: z.uuid().nullable(),
  data: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});
const CategoryName = text(80).pipe(z.string().min(1));

const categoryDto = (c: Category) => ({ id: c.id, name: c.name, active: c.active });
const cannedDto = (c: CannedReply) => ({
  id: c.id,
  title: c.title,
  body: c.body,
  updatedAt: c.updatedAt.toISOString(),
});

/**
 * The managed names for what a client sent (matched without regard to case or spacing), or 422
 * naming the ones that are not in the list. `activeOnly` for new incidents.
 */
export async function canonicalCategories(
  em: Em,
  names: readonly string[],
  field: string,
  activeOnly = false,
): Promise<string[]> {
  if (!names.length) return [];
  const all = await em.find(Category, {});
  const byKey = new Map(all.filter((c) => c.active || !activeOnly).map((c) => [c.key, c.name]));
  const missing = names.filter((n) => !byKey.has(categoryKey(n)));
  if (missing.length) {
    throw validationFailed(
      missing.map((n) => ({ field, message: `'${n}' is not a category (Admin → Categories)` })),
      'Unknown category',
    );
  }
  return [...new Set(names.map((n) => byKey.get(categoryKey(n))!))];
}

export function deskRoutes(): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/categories',
      summary: 'The incident categories people can choose (active ones, sorted)',
      tag: 'directory',
      permission: 'incident.create',
      responses: {
        200: { description: 'Category names', schema: z.object({ items: z.array(z.string()) }) },
        403: { description: "Without 'incident.create'" },
      },
      handler: async (c) => {
        const ctx = authed(c);
        const all = await ctx.state.em.find(Category, { active: true });
        ctx.body = { items: all.map((x) => x.name).sort((a, b) => a.localeCompare(b)) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/admin/categories',
      summary: 'Every incident category, active or not',
      tag: 'admin',
      permission: 'team.manage',
      responses: { 200: { description: 'Categories', schema: z.object({ items: z.array(CategoryDto) }) } },
      handler: async (c) => {
        const ctx = authed(c);
        const all = await ctx.state.em.find(Category, {}, { orderBy: { name: 'asc' } });
        ctx.body = { items: all.map(categoryDto) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/admin/categories',
      summary: 'Add an incident category (names are unique without regard to case)',
      tag: 'admin',
      permission: 'team.manage',
      audit: 'category.create',
      body: z.strictObject({ name: CategoryName }),
      responses: { 201: { description: 'Created', schema: CategoryDto }, 409: { description: 'name_taken' } },
      handler: async (c, { body }) => {
        const ctx = authed(c);
        const { em, principal } = ctx.state;
        const key = categoryKey(body.name);
        if (await em.findOne(Category, { key }))
          throw new AppError(409, 'name_taken', 'A category with this name exists');
        const cat = em.create(Category, { organization: principal.orgId, name: body.name, key, active: true });
        await em.flush();
        ctx.state.audit = { targetType: 'category', targetId: cat.id, after: { name: cat.name } };
        ctx.status = 201;
        ctx.body = categoryDto(cat);
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/admin/categories/:id',
      summary: 'Retire or restore a category (retired: not offered for new incidents; routing still applies)',
      tag: 'admin',
      permission: 'team.manage',
      audit: 'category.update',
      params: z.strictObject({ id: z.uuid() }),
      body: z.strictObject({ active: z.boolean() }),
      responses: {
        200: { description: 'The category', schema: CategoryDto },
        404: { description: 'No such category' },
      },
      handler: async (c, { params, body }) => {
        const ctx = authed(c);
        const cat = await ctx.state.em.findOne(Category, { id: params.id });
        if (!cat) throw notFound('Category');
        const before = { active: cat.active };
        cat.active = body.active;
        await ctx.state.em.flush();
        ctx.state.audit = { targetType: 'category', targetId: cat.id, before, after: { active: cat.active } };
        ctx.body = categoryDto(cat);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/canned-replies',
      summary: 'Canned replies agents can insert into a comment',
      tag: 'incidents',
      permission: 'incident.work_note',
      responses: { 200: { description: 'Replies by title', schema: z.object({ items: z.array(CannedDto) }) } },
      handler: async (c) => {
        const ctx = authed(c);
        const all = await ctx.state.em.find(CannedReply, {}, { orderBy: { title: 'asc' } });
        ctx.body = { items: all.map(cannedDto) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/admin/canned-replies',
      summary: 'Add a canned reply',
      tag: 'admin',
      permission: 'team.manage',
      audit: 'canned_reply.create',
      body: z.strictObject({ title: text(120).pipe(z.string().min(1)), body: text(20_000).pipe(z.string().min(1)) }),
      responses: { 201: { description: 'Created', schema: CannedDto }, 409: { description: 'name_taken' } },
      handler: async (c, { body }) => {
        const ctx = authed(c);
        const { em, principal } = ctx.state;
        if (await em.findOne(CannedReply, { title: body.title }))
          throw new AppError(409, 'name_taken', 'A canned reply with this title exists');
        const reply = em.create(CannedReply, {
          organization: principal.orgId,
          title: body.title,
          body: body.body,
          updatedBy: principal.userId,
          updatedAt: new Date(),
        });
        await em.flush();
        ctx.state.audit = { targetType: 'canned_reply', targetId: reply.id, after: { title: reply.title } };
        ctx.status = 201;
        ctx.body = cannedDto(reply);
      },
    }),
    defineRoute({
      method: 'put',
      path: '/admin/canned-replies/:id',
      summary: 'Change a canned reply',
      tag: 'admin',
      permission: 'team.manage',
      audit: 'canned_reply.update',
      params: z.strictObject({ id: z.uuid() }),
      body: z.strictObject({ title: text(120).pipe(z.string().min(1)), body: text(20_000).pipe(z.string().min(1)) }),
      responses: { 200: { description: 'Saved', schema: CannedDto }, 404: { description: 'No such reply' } },
      handler: async (c, { params, body }) => {
        const ctx = authed(c);
        const { em, principal } = ctx.state;
        const reply = await em.findOne(CannedReply, { id: params.id });
        if (!reply) throw notFound('Canned reply');
        if (body.title !== reply.title && (await em.findOne(CannedReply, { title: body.title })))
          throw new AppError(409, 'name_taken', 'A canned reply with this title exists');
        const before = { title: reply.title };
        Object.assign(reply, {
          title: body.title,
          body: body.body,
          updatedBy: principal.userId,
          updatedAt: new Date(),
        });
        await em.flush();
        ctx.state.audit = { targetType: 'canned_reply', targetId: reply.id, before, after: { title: reply.title } };
        ctx.body = cannedDto(reply);
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/admin/canned-replies/:id',
      summary: 'Delete a canned reply',
      tag: 'admin',
      permission: 'team.manage',
      audit: 'canned_reply.delete',
      params: z.strictObject({ id: z.uuid() }),
      responses: { 204: { description: 'Deleted' }, 404: { description: 'No such reply' } },
      handler: async (c, { params }) => {
        const ctx = authed(c);
        const reply = await ctx.state.em.findOne(CannedReply, { id: params.id });
        if (!reply) throw notFound('Canned reply');
        await ctx.state.em.nativeDelete(CannedReply, { id: reply.id });
        ctx.state.audit = { targetType: 'canned_reply', targetId: reply.id, before: { title: reply.title } };
        ctx.status = 204;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/me/inbox',
      summary: 'Your in-app notifications, newest first, with the number unread',
      tag: 'me',
      permission: 'person',
      query: z.strictObject({
        unread: z.enum(['true', 'false']).optional().describe('only unread ones'),
        limit: z
          .string()
          .regex(/^\d{1,3}$/)
          .transform(Number)
          .pipe(z.number().int().min(1).max(100))
          .default(30),
      }),
      responses: {
        200: {
          description: 'Notifications',
          schema: z.object({ items: z.array(InboxDto), unread: z.number().int() }),
        },
      },
      handler: async (c, { query }) => {
        const ctx = authed(c);
        const { em, principal } = ctx.state;
        const where = { user: principal.userId, ...(query.unread === 'true' ? { readAt: null } : {}) };
        const [items, unread] = await Promise.all([
          em.find(InboxItem, where, { orderBy: { id: 'desc' }, limit: query.limit }),
          em.count(InboxItem, { user: principal.userId, readAt: null }),
        ]);
        ctx.body = {
          unread,
          items: items.map((i) => ({
            id: i.id,
            kind: i.kind,
            incidentKey: String(i.data['key'] ?? ''),
            revision: i.revision,
            actorId: i.actor?.id ?? null,
            data: i.data,
            createdAt: i.createdAt.toISOString(),
            readAt: i.readAt ? i.readAt.toISOString() : null,
          })),
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/me/inbox/read',
      summary: 'Mark notifications read: the ones named, or all',
      tag: 'me',
      permission: 'person',
      audit: 'inbox.read',
      body: z
        .strictObject({
          ids: z.array(z.number().int().positive()).max(200).optional(),
          all: z.literal(true).optional(),
        })
        .refine((b) => !!b.ids !== !!b.all, { message: 'send ids or all: true', path: ['ids'] }),
      responses: { 200: { description: 'How many were marked', schema: z.object({ marked: z.number().int() }) } },
      handler: async (c, { body }) => {
        const ctx = authed(c);
        const { em, principal } = ctx.state;
        const marked = await em.nativeUpdate(
          InboxItem,
          { user: principal.userId, readAt: null, ...(body.ids ? { id: { $in: body.ids } } : {}) },
          { readAt: new Date() },
        );
        ctx.state.audit = { targetType: 'inbox', targetId: principal.userId, after: { marked } };
        ctx.body = { marked };
      },
    }),
  ];
}
