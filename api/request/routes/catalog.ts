/**
 * The service catalog over HTTP: catalog managers edit categories, items and field sets
 * (`catalog.manage`); people who may order browse what is offered to them in the portal.
 */
import { z } from 'zod';
import { type FieldSet, User } from '../../../db/entities/index.js';
import { notFound } from '../../kernel/errors.js';
import { type AnyRoute, authed, defineRoute } from '../../kernel/route.js';
import { ciChoices } from '../../cmdb/tickets.js';
import { type Catalog, categoryDto, fieldSetsById, formOf, offeredTo, teamIdsOf } from '../catalog.js';
import * as S from '../schemas.js';

const byId = { 404: { description: 'Not found in your organization' } } as const;
const invalid = { 422: { description: 'Invalid fields; a form or flow problem names its field or node' } } as const;
const taken = { 409: { description: 'The key is taken (key_taken), or the record is in use (in_use)' } } as const;

const fieldSetDto = (s: FieldSet) => ({ id: s.id, key: s.key, name: s.name, fields: s.fields, usedBy: 0 });

export function catalogRoutes(catalog: Catalog): AnyRoute[] {
  const tag = 'catalog';
  return [
    defineRoute({
      method: 'get',
      path: '/catalog/categories',
      summary: 'Every catalog category, inactive ones too (catalog managers)',
      tag,
      permission: 'catalog.manage',
      responses: { 200: { description: 'Categories', schema: z.object({ items: z.array(S.Category) }) } },
      handler: async (c) => {
        const ctx = authed(c);
        ctx.body = { items: await catalog.categories(ctx.state.em, false) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/catalog/categories',
      summary: 'Create a catalog category',
      tag,
      permission: 'catalog.manage',
      audit: 'catalog.category.create',
      body: S.CategoryBody,
      responses: { 201: { description: 'Created', schema: S.Category }, ...invalid, ...taken },
      handler: async (c, { body }) => {
        const ctx = authed(c);
        const cat = await catalog.createCategory(ctx.state.em, ctx.state.principal.orgId, body);
        ctx.state.audit = { targetType: 'catalog_category', targetId: cat.id, after: { key: cat.key, name: cat.name } };
        ctx.status = 201;
        ctx.body = categoryDto(cat);
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/catalog/categories/:id',
      summary: 'Edit a catalog category (name, description, icon, order, active)',
      tag,
      permission: 'catalog.manage',
      audit: 'catalog.category.update',
      params: S.IdParams,
      body: S.CategoryPatch,
      responses: { 200: { description: 'Changed', schema: S.Category }, ...byId, ...invalid, ...taken },
      handler: async (c, { params, body }) => {
        const ctx = authed(c);
        const cat = await catalog.updateCategory(ctx.state.em, params.id, body);
        ctx.state.audit = { targetType: 'catalog_category', targetId: cat.id, after: body };
        ctx.body = categoryDto(cat);
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/catalog/categories/:id',
      summary: 'Delete an empty catalog category',
      tag,
      permission: 'catalog.manage',
      audit: 'catalog.category.delete',
      params: S.IdParams,
      responses: { 204: { description: 'Deleted' }, ...byId, ...taken },
      handler: async (c, { params }) => {
        const ctx = authed(c);
        await catalog.deleteCategory(ctx.state.em, params.id);
        ctx.state.audit = { targetType: 'catalog_category', targetId: params.id };
        ctx.status = 204;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/catalog/field-sets',
      summary: 'Reusable field sets, with how many items include each',
      tag,
      permission: 'catalog.manage',
      responses: { 200: { description: 'Field sets', schema: z.object({ items: z.array(S.FieldSet) }) } },
      handler: async (c) => {
        const ctx = authed(c);
        ctx.body = { items: await catalog.fieldSets(ctx.state.em) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/catalog/field-sets',
      summary: 'Create a reusable field set (its fields are checked like a form)',
      tag,
      permission: 'catalog.manage',
      audit: 'catalog.field_set.create',
      body: S.FieldSetBody,
      responses: { 201: { description: 'Created', schema: S.FieldSet }, ...invalid, ...taken },
      handler: async (c, { body }) => {
        const ctx = authed(c);
        const s = await catalog.createFieldSet(ctx.state.em, ctx.state.principal.orgId, body);
        ctx.state.audit = {
          targetType: 'catalog_field_set',
          targetId: s.id,
          after: { key: s.key, fields: s.fields.length },
        };
        ctx.status = 201;
        ctx.body = fieldSetDto(s);
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/catalog/field-sets/:id',
      summary: 'Edit a field set; every item including it must keep a sound form and flow',
      tag,
      permission: 'catalog.manage',
      audit: 'catalog.field_set.update',
      params: S.IdParams,
      body: S.FieldSetPatch,
      responses: { 200: { description: 'Changed', schema: S.FieldSet }, ...byId, ...invalid, ...taken },
      handler: async (c, { params, body }) => {
        const ctx = authed(c);
        const s = await catalog.updateFieldSet(ctx.state.em, params.id, body);
        ctx.state.audit = { targetType: 'catalog_field_set', targetId: s.id, after: body };
        ctx.body = fieldSetDto(s);
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/catalog/field-sets/:id',
      summary: 'Delete a field set no item includes',
      tag,
      permission: 'catalog.manage',
      audit: 'catalog.field_set.delete',
      params: S.IdParams,
      responses: { 204: { description: 'Deleted' }, ...byId, ...taken },
      handler: async (c, { params }) => {
        const ctx = authed(c);
        await catalog.deleteFieldSet(ctx.state.em, params.id);
        ctx.state.audit = { targetType: 'catalog_field_set', targetId: params.id };
        ctx.status = 204;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/catalog/items',
      summary: 'Every catalog item, inactive ones too (catalog managers)',
      tag,
      permission: 'catalog.manage',
      responses: { 200: { description: 'Items', schema: S.CatalogItemList } },
      handler: async (c) => {
        const ctx = authed(c);
        const { em } = ctx.state;
        ctx.body = { items: await catalog.dtos(em, await catalog.items(em)) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/catalog/items',
      summary: "Create a catalog item: its form is checked, and its flow's published version against the form",
      tag,
      permission: 'catalog.manage',
      audit: 'catalog.item.create',
      body: S.ItemBody,
      responses: { 201: { description: 'Created', schema: S.CatalogItem }, ...invalid, ...taken },
      handler: async (c, { body }) => {
        const ctx = authed(c);
        const { em } = ctx.state;
        const item = await catalog.createItem(em, ctx.state.principal.orgId, body);
        ctx.state.audit = {
          targetType: 'catalog_item',
          targetId: item.id,
          after: { key: item.key, flowId: body.flowId, fields: body.fields.length },
        };
        ctx.status = 201;
        ctx.body = (await catalog.dtos(em, [item]))[0];
      },
    }),
    defineRoute({
      method: 'get',
      path: '/catalog/items/:id',
      summary: 'One catalog item with its whole form (catalog managers)',
      tag,
      permission: 'catalog.manage',
      params: S.IdParams,
      responses: { 200: { description: 'The item', schema: S.CatalogItem }, ...byId },
      handler: async (c, { params }) => {
        const ctx = authed(c);
        const { em } = ctx.state;
        ctx.body = (await catalog.dtos(em, [await catalog.item(em, params.id)]))[0];
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/catalog/items/:id',
      summary: 'Edit a catalog item; requests already ordered keep their answers and flow version',
      tag,
      permission: 'catalog.manage',
      audit: 'catalog.item.update',
      params: S.IdParams,
      body: S.ItemPatch,
      responses: { 200: { description: 'Changed', schema: S.CatalogItem }, ...byId, ...invalid, ...taken },
      handler: async (c, { params, body }) => {
        const ctx = authed(c);
        const { em } = ctx.state;
        const item = await catalog.updateItem(em, params.id, body);
        ctx.state.audit = { targetType: 'catalog_item', targetId: item.id, after: body };
        ctx.body = (await catalog.dtos(em, [item]))[0];
      },
    }),
    defineRoute({
      method: 'get',
      path: '/portal/catalog',
      summary: 'What the caller can order: active categories and the active items offered to them',
      tag,
      permission: 'request.create',
      query: S.PortalCatalogQuery,
      responses: { 200: { description: 'The catalog', schema: S.PortalCatalog } },
      handler: async (c, { query }) => {
        const ctx = authed(c);
        const { em, principal } = ctx.state;
        const teams = await teamIdsOf(em, principal.userId);
        const words = query.q?.toLowerCase().split(/\s+/).filter(Boolean) ?? [];
        const active = await catalog.categories(em, true);
        const shown = new Set(active.map((cat) => cat.id));
        const items = (await catalog.items(em, { active: true, categoryId: query.categoryId })).filter((i) => {
          if (!shown.has(i.category.id) || !offeredTo(i, principal.role, teams)) return false;
          const hay = [i.name.en, i.name.id, i.description?.en, i.description?.id, i.key]
            .filter(Boolean)
            .join(' ')
            .toLowerCase();
          return words.every((w) => hay.includes(w));
        });
        const categories = active.filter((cat) => items.some((i) => i.category.id === cat.id));
        ctx.body = {
          categories: categories.map((cat) => ({
            ...cat,
            items: items.filter((i) => i.category.id === cat.id).length,
          })),
          items: await catalog.dtos(em, items),
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/portal/people',
      summary:
        "People to name in a form's person field: active people of the organization by name or e-mail (20 at most)",
      tag,
      permission: 'request.create',
      query: z.strictObject({ q: z.string().trim().max(100).default('') }),
      responses: {
        200: {
          description: 'People',
          schema: z.object({
            items: z.array(z.object({ id: z.string(), displayName: z.string() })),
          }),
        },
      },
      handler: async (c, { query }) => {
        const ctx = authed(c);
        const like = `%${query.q.replace(/[\\%_]/g, (x) => `\\${x}`)}%`;
        const people = await ctx.state.em.find(
          User,
          { active: true, $or: [{ displayName: { $ilike: like } }, { email: query.q.toLowerCase() }] },
          { orderBy: { displayName: 'asc' }, limit: 20 },
        );
        // Names only: ordering does not open the directory's addresses (a whole address typed finds its person).
        ctx.body = { items: people.map((p) => ({ id: p.id, displayName: p.displayName })) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/portal/catalog/:key',
      summary: 'One item the caller can order, with its whole form',
      tag,
      permission: 'request.create',
      params: S.ItemKeyParams,
      responses: { 200: { description: 'The item', schema: S.CatalogItem }, ...byId },
      handler: async (c, { params }) => {
        const ctx = authed(c);
        const { em, principal } = ctx.state;
        const item = await catalog.itemByKey(em, params.key);
        if (!item || !item.active || !offeredTo(item, principal.role, await teamIdsOf(em, principal.userId))) {
          throw notFound('Catalog item');
        }
        ctx.body = (await catalog.dtos(em, [item]))[0];
      },
    }),
    defineRoute({
      method: 'get',
      path: '/portal/catalog/:key/fields/:field/cis',
      summary: "The configuration items a form's CI field offers the caller, by name or asset tag (20 at most)",
      description:
        'In service (not retired or disposed), of the class the field names or one below it, and for a field ' +
        'with ciMine only those the caller or a team of theirs owns. Names and classes only.',
      tag,
      permission: 'request.create',
      params: S.ItemKeyParams.extend({ field: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/) }),
      query: z.strictObject({ q: z.string().trim().max(100).default('') }),
      responses: {
        200: {
          description: 'Configuration items',
          schema: z.object({
            items: z.array(
              z.object({
                id: z.string(),
                name: z.string(),
                className: z.object({ en: z.string(), id: z.string().optional() }),
              }),
            ),
          }),
        },
        ...byId,
      },
      handler: async (c, { params, query }) => {
        const ctx = authed(c);
        const { em, principal } = ctx.state;
        const item = await catalog.itemByKey(em, params.key);
        if (!item || !item.active || !offeredTo(item, principal.role, await teamIdsOf(em, principal.userId))) {
          throw notFound('Catalog item');
        }
        const form = formOf(item, await fieldSetsById(em, item.fieldSetIds));
        const field = form.fields.find((f) => f.id === params.field && f.type === 'ci');
        if (!field) throw notFound('Configuration item field');
        ctx.body = { items: await ciChoices(em, principal.userId, field, query.q) };
      },
    }),
  ];
}
