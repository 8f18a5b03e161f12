/** Configuration items over HTTP: list with filters, read, create, edit (with the revision it was made from), history. */
import { z } from 'zod';
import { AuditEntry, ConfigurationItem } from '../../../db/entities/index.js';
import type { ClassTree } from '../../../workflows/kernel/cmdb-classes.js';
import { type AnyRoute, authed, defineRoute } from '../../kernel/route.js';
import { classTree } from '../classes.js';
import { exportCsv } from '../export.js';
import { importCsv } from '../import.js';
import { createItem, itemDtos, loadItem, updateItem } from '../items.js';
import type { ReminderSync } from '../reminders.js';
import * as S from '../schemas.js';
import { ticketsOn } from '../tickets.js';

const tag = 'cmdb';
const byId = { 404: { description: 'No such CI in your organization' } } as const;
const invalid = {
  422: { description: 'A field is wrong: the class, an attribute (attributes.<key>), an owner or a reference' },
} as const;
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The list's filters as a query. */
function whereOf(query: Omit<z.infer<typeof S.ItemQuery>, 'limit' | 'offset'>, tree: ClassTree) {
  const like = query.q ? `%${escapeLike(query.q)}%` : null;
  return {
    ...(query.ids ? { id: { $in: query.ids } } : {}),
    ...(query.class ? { classKey: { $in: tree.descendants(query.class) } } : {}),
    ...(query.status ? { status: { $in: query.status } } : {}),
    ...(query.criticality ? { criticality: { $in: query.criticality } } : {}),
    ...(query.ownerUserId ? { ownerUser: query.ownerUserId } : {}),
    ...(query.ownerTeamId ? { ownerTeam: query.ownerTeamId } : {}),
    ...(like
      ? {
          $or: [
            { name: { $ilike: like } },
            { serialNumber: { $ilike: like } },
            { assetTag: { $ilike: like } },
            { hostname: { $ilike: like } },
          ],
        }
      : {}),
  };
}

export function itemRoutes(reminders: ReminderSync): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/cmdb/items',
      summary: 'Configuration items, by name, filtered by class (and those below it), status, criticality, owner',
      tag,
      permission: 'cmdb.read',
      query: S.ItemQuery,
      responses: { 200: { description: 'A page of CIs', schema: S.ItemPage } },
      handler: async (c, { query }) => {
        const ctx = authed(c);
        const { em } = ctx.state;
        const tree = await classTree(em);
        const [items, total] = await em.findAndCount(ConfigurationItem, whereOf(query, tree), {
          orderBy: { name: 'asc', id: 'asc' },
          limit: query.limit,
          offset: query.offset,
        });
        ctx.body = { items: await itemDtos(em, items, tree), total, limit: query.limit, offset: query.offset };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/cmdb/items/:id',
      summary: 'One configuration item',
      tag,
      permission: 'cmdb.read',
      params: S.IdParams,
      responses: { 200: { description: 'The CI', schema: S.ItemDto }, ...byId },
      handler: async (c, { params }) => {
        const ctx = authed(c);
        ctx.body = (await itemDtos(ctx.state.em, [await loadItem(ctx.state.em, params.id)]))[0];
      },
    }),
    defineRoute({
      method: 'post',
      path: '/cmdb/items',
      summary: 'Create a configuration item',
      tag,
      permission: 'cmdb.write',
      audit: 'cmdb.item.create',
      body: S.ItemBody,
      responses: {
        201: { description: 'Created', schema: S.ItemDto },
        409: { description: 'Another CI has this serial number, asset tag or hostname (identifier_taken)' },
        ...invalid,
      },
      handler: async (c, { body }) => {
        const ctx = authed(c);
        const { em, principal } = ctx.state;
        const item = await createItem(em, principal.orgId, principal.userId, body);
        if (!(await reminders.sync(em, principal.orgId, item)))
          ctx.state.log.warn({ ciId: item.id }, 'the reminder workflow could not be told; a later change will');
        const [dto] = await itemDtos(em, [item]);
        ctx.state.audit = { targetType: 'ci', targetId: item.id, after: body };
        ctx.status = 201;
        ctx.body = dto;
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/cmdb/items/:id',
      summary: 'Edit a configuration item made from `revision`; status moves follow the lifecycle',
      tag,
      permission: 'cmdb.write',
      audit: 'cmdb.item.update',
      params: S.IdParams,
      body: S.ItemPatch,
      responses: {
        200: { description: 'Changed', schema: S.ItemDto },
        ...byId,
        409: {
          description:
            'Changed since (revision_conflict, with `current`), a move the lifecycle refuses (invalid_transition), ' +
            'an identifier taken (identifier_taken), or a class change of a related CI (ci_related)',
        },
        ...invalid,
      },
      handler: async (c, { params, body }) => {
        const ctx = authed(c);
        const { em, principal } = ctx.state;
        const { item, before, after } = await updateItem(em, principal.orgId, params.id, body);
        if (!(await reminders.sync(em, principal.orgId, item)))
          ctx.state.log.warn({ ciId: item.id }, 'the reminder workflow could not be told; a later change will');
        ctx.state.audit = {
          targetType: 'ci',
          targetId: item.id,
          before,
          after: { ...after, reason: body.reason ?? null },
        };
        ctx.body = (await itemDtos(em, [item]))[0];
      },
    }),
    defineRoute({
      method: 'get',
      path: '/cmdb/items/:id/tickets',
      summary: 'The tickets on a CI: every open incident and request naming it, then the 10 latest others of each',
      description:
        'Incidents are listed to those who read every incident (incident.read), requests to those who read every ' +
        'request (request.read); open ones first, newest first.',
      tag,
      permission: 'cmdb.read',
      params: S.IdParams,
      responses: { 200: { description: 'Tickets', schema: S.CiTickets }, ...byId },
      handler: async (c, { params }) => {
        const ctx = authed(c);
        const { em, principal } = ctx.state;
        await loadItem(em, params.id);
        ctx.body = { items: await ticketsOn(em, principal, params.id) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/cmdb/items/:id/history',
      summary: 'Every change to the CI and its relations: who, when, before and after, why (newest first)',
      tag,
      permission: 'cmdb.read',
      params: S.IdParams,
      responses: { 200: { description: 'Changes', schema: z.object({ items: z.array(S.HistoryEntry) }) }, ...byId },
      handler: async (c, { params }) => {
        const ctx = authed(c);
        const { em } = ctx.state;
        await loadItem(em, params.id);
        const entries = await em.find(
          AuditEntry,
          {
            $or: [
              { targetType: 'ci', targetId: params.id },
              { targetType: { $in: ['ci_relation', 'ci_group'] }, targetId: { $like: `%${params.id}%` } },
            ],
            action: { $like: 'cmdb.%' },
          },
          { orderBy: { seq: 'desc' }, limit: 500 },
        );
        ctx.body = {
          items: entries.map((e) => ({
            at: e.at.toISOString(),
            action: e.action,
            actor: e.actorLabel ?? null,
            before: e.before ?? null,
            after: e.after ?? null,
            reason: ((e.after as { reason?: string } | null)?.reason ?? null) || null,
          })),
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/cmdb/export',
      summary: 'The configuration items (filtered as the list is) as CSV, in the columns an import reads',
      tag,
      permission: 'cmdb.read',
      query: S.ItemQuery.omit({ limit: true, offset: true }),
      responses: { 200: { description: 'text/csv' } },
      handler: async (c, { query }) => {
        const ctx = authed(c);
        const { em } = ctx.state;
        const tree = await classTree(em);
        const items = await em.find(ConfigurationItem, whereOf(query, tree), { orderBy: { name: 'asc', id: 'asc' } });
        ctx.type = 'text/csv; charset=utf-8';
        ctx.set('Content-Disposition', 'attachment; filename="configuration-items.csv"');
        ctx.body = await exportCsv(em, items, tree);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/cmdb/import',
      summary: 'Import configuration items from CSV: a dry run by default, with a report a row',
      description:
        'A row is the CI with its id, else its serial number, else asset tag, else hostname (trimmed, any case); ' +
        'otherwise a new one. Columns: id, name, class, status, criticality, owner (e-mail), ownerTeam (name), location, version, ' +
        'description, serialNumber, assetTag, hostname, warrantyEnd, supportEnd, licenceExpiry, and attr:<key> for ' +
        "the class's attributes; an empty cell clears. Rows with an error are left out and reported; the others are " +
        'written together. Importing the same file again changes nothing.',
      tag,
      permission: 'cmdb.write',
      audit: 'cmdb.import',
      body: S.ImportBody,
      responses: {
        200: { description: 'The report', schema: S.ImportReport },
        413: { description: 'Too many rows (import_too_large)' },
        422: { description: 'No header, or unknown columns (import_invalid)' },
      },
      handler: async (c, { body }) => {
        const ctx = authed(c);
        const { em, principal } = ctx.state;
        const report = await importCsv(em, principal.orgId, principal.userId, body.csv, body.dryRun);
        ctx.state.audit = {
          targetType: 'ci_import',
          after: {
            dryRun: report.dryRun,
            created: report.created,
            updated: report.updated,
            unchanged: report.unchanged,
            errors: report.errors,
            items: report.rows
              .filter((r) => r.action === 'create' || r.action === 'update')
              .slice(0, 1000)
              .map((r) => r.ciId),
          },
        };
        ctx.body = report;
      },
    }),
  ];
}
