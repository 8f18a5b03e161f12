/** Auditors' routes: filter, export and verify the audit log. */
import { z } from 'zod';
import { csvDocument } from '../../kernel/csv.js';
import { AuditEntry } from '../../../db/entities/index.js';
import type { AuditLog } from '../audit.js';
import { type AnyRoute, type AuthedContext, authed, defineRoute } from '../../kernel/route.js';

const Filters = z.strictObject({
  actorId: z.uuid().optional(),
  action: z
    .string()
    .regex(/^[a-z_.]{1,60}$/, 'expected an action such as incident.transition or a prefix such as auth.')
    .optional()
    .describe('exact action, or a prefix ending in a dot (auth.)'),
  targetType: z
    .string()
    .regex(/^[a-z_]{1,40}$/)
    .optional(),
  targetId: z.string().min(1).max(120).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});
const Page = Filters.extend({
  afterSeq: z.coerce.number().int().min(0).optional().describe('cursor: entries after this sequence number'),
  beforeSeq: z.coerce.number().int().min(1).optional().describe('cursor for newest first: entries before this one'),
  order: z
    .enum(['asc', 'desc'])
    .default('asc')
    .describe('asc: oldest first (afterSeq); desc: newest first (beforeSeq)'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
const Export = Filters.extend({ format: z.enum(['json', 'csv']).default('json') });

const Entry = z.object({
  seq: z.number(),
  at: z.string(),
  actorId: z.string().nullable(),
  actorKind: z.string(),
  actorLabel: z.string().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  requestId: z.string().nullable(),
  sourceIp: z.string().nullable(),
  prevHash: z.string(),
  hash: z.string(),
});
type EntryDto = z.infer<typeof Entry>;

function where(f: z.infer<typeof Filters>): Record<string, unknown> {
  const w: Record<string, unknown> = {};
  if (f.actorId) w['actorId'] = f.actorId;
  if (f.action) w['action'] = f.action.endsWith('.') ? { $like: `${f.action}%` } : f.action;
  if (f.targetType) w['targetType'] = f.targetType;
  // A ticket by the key people see (INC-1) as well as by its workflow id (acme/INC-1); the log is
  // the organization's own, so the key alone names one ticket.
  if (f.targetId && /^[a-z]{3}-\d{1,10}$/i.test(f.targetId)) {
    const key = f.targetId.toUpperCase();
    w['$or'] = [{ targetId: key }, { targetId: { $like: `%/${key}` } }];
  } else if (f.targetId) w['targetId'] = f.targetId;
  if (f.from || f.to) {
    w['at'] = { ...(f.from ? { $gte: new Date(f.from) } : {}), ...(f.to ? { $lt: new Date(f.to) } : {}) };
  }
  return w;
}

function dto(e: AuditEntry): EntryDto {
  return {
    seq: e.seq,
    at: e.at.toISOString(),
    actorId: e.actorId ?? null,
    actorKind: e.actorKind,
    actorLabel: e.actorLabel ?? null,
    action: e.action,
    targetType: e.targetType ?? null,
    targetId: e.targetId ?? null,
    before: e.before ?? null,
    after: e.after ?? null,
    requestId: e.requestId ?? null,
    sourceIp: e.sourceIp ?? null,
    prevHash: e.prevHash,
    hash: e.hash,
  };
}

const CSV_COLUMNS = Entry.keyof().options;

async function* entries(ctx: AuthedContext, filters: z.infer<typeof Filters>): AsyncGenerator<EntryDto> {
  let afterSeq = 0;
  for (;;) {
    const rows = await ctx.state.em.find(
      AuditEntry,
      { ...where(filters), seq: { $gt: afterSeq } },
      { orderBy: { seq: 'asc' }, limit: 1000 },
    );
    for (const r of rows) yield dto(r);
    ctx.state.em.clear();
    if (rows.length < 1000) return;
    afterSeq = rows[rows.length - 1]!.seq;
  }
}

export function auditRoutes(audit: AuditLog): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/audit',
      summary: 'Audit log entries, oldest first, filtered; page with afterSeq',
      tag: 'audit',
      permission: 'audit.read',
      query: Page,
      responses: {
        200: {
          description: 'A page',
          schema: z.object({
            items: z.array(Entry),
            nextAfterSeq: z.number().nullable(),
            nextBeforeSeq: z.number().nullable(),
          }),
        },
      },
      handler: async (c, { query }) => {
        const ctx = authed(c);
        const desc = query.order === 'desc';
        const seq = desc ? (query.beforeSeq ? { $lt: query.beforeSeq } : { $gt: 0 }) : { $gt: query.afterSeq ?? 0 };
        const rows = await ctx.state.em.find(
          AuditEntry,
          { ...where(query), seq },
          { orderBy: { seq: query.order }, limit: query.limit + 1 },
        );
        const page = rows.slice(0, query.limit);
        const more = rows.length > query.limit ? page[page.length - 1]!.seq : null;
        ctx.body = {
          items: page.map(dto),
          nextAfterSeq: desc ? null : more,
          nextBeforeSeq: desc ? more : null,
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/audit/export',
      summary: 'Export the (filtered) audit log as JSON or CSV',
      tag: 'audit',
      permission: 'audit.export',
      query: Export,
      responses: { 200: { description: 'A file download' } },
      handler: async (c, { query }) => {
        const ctx = authed(c);
        const { format, ...filters } = query;
        const stamp = new Date().toISOString().replace(/[:.]/g, '-');
        ctx.set(
          'Content-Disposition',
          `attachment; filename="audit-${ctx.state.principal.orgSlug}-${stamp}.${format}"`,
        );
        const all: EntryDto[] = [];
        for await (const e of entries(ctx, filters)) all.push(e);
        if (format === 'json') {
          ctx.type = 'application/json';
          ctx.body = { organization: ctx.state.principal.orgSlug, exportedAt: new Date().toISOString(), entries: all };
        } else {
          ctx.type = 'text/csv; charset=utf-8';
          ctx.body = csvDocument(
            CSV_COLUMNS,
            all.map((e) => CSV_COLUMNS.map((k) => e[k])),
          );
        }
      },
    }),
    defineRoute({
      method: 'get',
      path: '/audit/verify',
      summary: 'Check the hash chain; reports the first entry that was altered or removed',
      tag: 'audit',
      permission: 'audit.read',
      responses: {
        200: {
          description: 'Verification result',
          schema: z.object({
            ok: z.boolean(),
            checked: z.number(),
            lastSeq: z.number(),
            firstBroken: z.object({ seq: z.number(), reason: z.string(), detail: z.string() }).nullable(),
          }),
        },
      },
      handler: async (c) => {
        const ctx = authed(c);
        ctx.body = await audit.verify(ctx.state.em, ctx.state.principal.orgId);
      },
    }),
  ];
}
