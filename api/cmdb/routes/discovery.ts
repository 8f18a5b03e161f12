/** Discovery over HTTP: the organization's sources and their precedence, and the reports sources send. */
import { z } from 'zod';
import { CmdbSource } from '../../../db/entities/index.js';
import { notFound } from '../../kernel/errors.js';
import { type AnyRoute, authed, defineRoute } from '../../kernel/route.js';
import { discover } from '../discovery.js';
import type { ReminderSync } from '../reminders.js';
import * as S from '../schemas.js';

const tag = 'cmdb';

export function discoveryRoutes(reminders: ReminderSync): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/cmdb/sources',
      summary: 'Discovery sources, highest precedence first, with how many CIs each reports and when it last did',
      tag,
      permission: 'cmdb.read',
      responses: { 200: { description: 'Sources', schema: z.object({ items: z.array(S.SourceDto) }) } },
      handler: async (c) => {
        const ctx = authed(c);
        const { em, principal } = ctx.state;
        const rows = await em
          .getConnection()
          .execute<{ key: string; name: string; precedence: number; cis: string; last: Date | string | null }[]>(
            `select s.key, s.name, s.precedence, count(l.ci_id) as cis, max(l.last_seen_at) as last
               from cmdb_sources s
               left join cmdb_source_links l on l.organization_id = s.organization_id and l.source_key = s.key
              where s.organization_id = ?
              group by s.key, s.name, s.precedence
              order by s.precedence desc, s.key`,
            [principal.orgId],
          );
        ctx.body = {
          items: rows.map((r) => ({
            key: r.key,
            name: r.name,
            precedence: Number(r.precedence),
            cis: Number(r.cis),
            lastSeenAt: r.last ? new Date(r.last).toISOString() : null,
          })),
        };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/cmdb/sources/:source',
      summary: 'Define a discovery source, or change its name and precedence',
      description:
        'A source may only overwrite a field last set by a source of lower or equal precedence (1–999); ' +
        "a person's edit counts as 1000, so no source overwrites what an owner set.",
      tag,
      permission: 'cmdb.classes',
      audit: 'cmdb.source.put',
      params: S.SourceParams,
      body: S.SourceBody,
      responses: { 200: { description: 'The source', schema: S.SourceDto } },
      handler: async (c, { params, body }) => {
        const ctx = authed(c);
        const { em, principal } = ctx.state;
        let row = await em.findOne(CmdbSource, { key: params.source });
        const before = row ? { name: row.name, precedence: row.precedence } : null;
        if (row) Object.assign(row, body);
        else row = em.create(CmdbSource, { organization: principal.orgId, key: params.source, ...body });
        await em.flush();
        ctx.state.audit = { targetType: 'ci_source', targetId: row.key, before, after: body };
        ctx.body = { key: row.key, name: row.name, precedence: row.precedence, cis: 0, lastSeenAt: null };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/cmdb/discovery/:source',
      summary: 'Report CIs as a discovery source sees them (up to 500 a call); each is matched, created or updated',
      description:
        "Matched by the source's own id (externalId) first, else by serial number, asset tag or hostname. A field is " +
        'taken only where it was last set by no one, by this source or by one of lower or equal precedence; the rest ' +
        'are reported as kept. A CI this source already reports under another id is reported, never doubled. Owners ' +
        'are not set by discovery. Sending the same report again changes nothing.',
      tag,
      permission: 'cmdb.write',
      audit: 'cmdb.discovery',
      params: S.SourceParams,
      body: S.DiscoveryBody,
      responses: {
        200: { description: 'A report per item', schema: S.DiscoveryReport },
        404: { description: 'No such source (define it with PUT /cmdb/sources/:source)' },
      },
      handler: async (c, { params, body }) => {
        const ctx = authed(c);
        const { em, principal } = ctx.state;
        const source = await em.findOne(CmdbSource, { key: params.source });
        if (!source) throw notFound(`Discovery source ${params.source}`);
        const { report, written, audit } = await discover(em, principal.orgId, source, body.items);
        for (const item of written)
          if (!(await reminders.sync(em, principal.orgId, item)))
            ctx.state.log.warn({ ciId: item.id }, 'the reminder workflow could not be told; the sweep will');
        ctx.state.audit = {
          targetType: 'ci_source',
          targetId: source.key,
          after: {
            created: report.created,
            updated: report.updated,
            unchanged: report.unchanged,
            errors: report.errors,
          },
          also: audit,
        };
        ctx.body = report;
      },
    }),
  ];
}
