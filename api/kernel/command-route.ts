/**
 * How every ticket type's command endpoints read and answer HTTP: `Idempotency-Key` becomes the
 * Temporal update id (a resent command is a no-op that returns the first outcome), `If-Match` or a
 * body `revision` the expected revision, the answer carries the ticket's revision as its ETag, and
 * the audit log gets the declared fields that changed. `commandRoute` declares one such endpoint.
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Requirement } from '../../workflows/kernel/permissions.js';
import type { AuditNote } from './context.js';
import { AppError, notFound } from './errors.js';
import type { Principal } from './context.js';
import { type AnyRoute, type AuthedContext, type ResponseSpec, authed, defineRoute } from './route.js';
import type { CommandMeta } from './tickets.js';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/** The caller's Idempotency-Key, checked (1–200 visible ASCII characters), or undefined. */
export function idempotencyKey(ctx: AuthedContext): string | undefined {
  if (ctx.headers['idempotency-key'] === undefined) return undefined;
  const key = ctx.get('Idempotency-Key');
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new AppError(400, 'invalid_header', 'Idempotency-Key must be 1 to 200 visible ASCII characters', [
      { field: 'Idempotency-Key', message: 'invalid' },
    ]);
  }
  return key;
}

/** Reads `If-Match: "<revision>"` (or a bare number) as the expected revision. */
function ifMatch(ctx: AuthedContext): number | undefined {
  const raw = ctx.get('If-Match');
  if (!raw) return undefined;
  const m = /^(?:W\/)?"?(\d{1,9})"?$/.exec(raw.trim());
  if (!m)
    throw new AppError(400, 'invalid_header', 'If-Match must carry a revision, e.g. "3"', [
      { field: 'If-Match', message: 'invalid' },
    ]);
  return Number(m[1]);
}

/** The expected revision from `If-Match` and/or the body; both given must agree. */
function expectedRevision(ctx: AuthedContext, fromBody: number | undefined): number | undefined {
  const fromHeader = ifMatch(ctx);
  if (fromHeader !== undefined && fromBody !== undefined && fromHeader !== fromBody) {
    throw new AppError(400, 'invalid_header', 'If-Match and the body revision disagree', [
      { field: 'If-Match', message: `header says ${fromHeader}, body says ${fromBody}` },
    ]);
  }
  return fromBody ?? fromHeader;
}

/** Update id of a command: derived from the caller's Idempotency-Key (so a resend is a no-op), else fresh. */
export function commandMeta(ctx: AuthedContext, bodyRevision?: number): CommandMeta {
  const key = idempotencyKey(ctx);
  return {
    updateId: key ? `${ctx.state.principal.userId}:${key}` : randomUUID(),
    expectedRevision: expectedRevision(ctx, bodyRevision),
  };
}

export const COMMAND_HEADERS = {
  'If-Match': { description: 'Expected revision, e.g. "3"' },
  'Idempotency-Key': { description: 'Makes a resent command a no-op that returns the first outcome' },
};

/**
 * The ticket number a reference names in the caller's organization. A reference with another
 * organization's slug is a 404, exactly like a number that does not exist (`noun`: "Incident").
 */
export function ownNumber(
  principal: Principal,
  ref: { orgSlug: string | null; number: number } | null,
  noun: string,
): number {
  if (!ref || (ref.orgSlug && ref.orgSlug !== principal.orgSlug)) throw notFound(noun);
  return ref.number;
}

/** What every ticket route hands its service: the request's EntityManager, the caller, the number. */
export function ticketTarget(ctx: AuthedContext, ref: { orgSlug: string | null; number: number }, noun: string) {
  return [ctx.state.em, ctx.state.principal, ownNumber(ctx.state.principal, ref, noun)] as const;
}

/** What the API answers about any ticket: its workflow id and revision at least. */
export interface TicketLike {
  workflowId: string;
  revision: number;
}

/** One command endpoint of a ticket type. */
export interface CommandRouteSpec<T extends TicketLike, P extends z.ZodType, B extends z.ZodType> {
  method?: 'post' | 'patch' | 'delete';
  path: string;
  summary: string;
  permission: Requirement;
  audit: string;
  params: P;
  body?: B;
  /** Read the expected revision from the body's `revision` too (besides If-Match). */
  bodyRevision?: boolean;
  responses?: Record<number, ResponseSpec>;
  /** Sends the command; answers with the ticket before (when the audit diff wants it) and after. */
  run(
    ctx: AuthedContext,
    input: { params: z.output<P>; body: z.output<B>; meta: CommandMeta },
  ): Promise<{ before?: T | null; ticket: T }>;
  /** Detail the audit entry adds to the changed fields. */
  auditExtra?(input: { params: z.output<P>; body: z.output<B>; ticket: T }): Record<string, unknown>;
  /** The whole audit entry's target and detail, instead of the changed fields. */
  auditNote?(input: { params: z.output<P>; body: z.output<B>; ticket: T }): AuditNote;
}

/**
 * The HTTP side of one ticket type's commands: its audit target type, the fields whose change the
 * audit log records, its OpenAPI tag and schema, and the answers every command route shares.
 */
export class TicketCommandRoutes<T extends TicketLike> {
  constructor(
    private readonly t: {
      targetType: string;
      tag: string;
      auditedFields: readonly (keyof T & string)[];
      schema: z.ZodType;
      /** Responses every command route of the type declares (404, 409, …). */
      responses: Record<number, ResponseSpec>;
    },
  ) {}

  /** Tells the audit log which ticket changed and how (only the declared fields that differ). */
  noteChange(ctx: AuthedContext, before: T | null, after: T, extra: Record<string, unknown> = {}): void {
    const b: Record<string, unknown> = {};
    const a: Record<string, unknown> = { ...extra };
    for (const f of this.t.auditedFields) {
      if (!before || before[f] !== after[f]) {
        if (before) b[f] = before[f];
        a[f] = after[f];
      }
    }
    ctx.state.audit = {
      targetType: this.t.targetType,
      targetId: after.workflowId,
      before: before ? b : null,
      after: a,
    };
  }

  /** Answers with a ticket and its revision as the ETag (send it back as If-Match). */
  send(ctx: AuthedContext, ticket: T): void {
    ctx.set('ETag', `"${ticket.revision}"`);
    ctx.body = ticket;
  }

  /**
   * Declares a ticket type's create endpoint: repeat-safe by Idempotency-Key (201 the first time,
   * 200 with `Idempotent-Replayed` for a repeat), Location, the audit entry, the ticket as ETag.
   */
  creation<B extends z.ZodType>(spec: {
    path: string;
    summary: string;
    permission: Requirement;
    audit: string;
    body: B;
    responses: Record<number, ResponseSpec>;
    create(ctx: AuthedContext, body: z.output<B>, key: string | undefined): Promise<{ ticket: T; replayed: boolean }>;
    /** Detail the audit entry adds. */
    auditExtra(body: z.output<B>): Record<string, unknown>;
    location(ticket: T): string;
  }): AnyRoute {
    return defineRoute({
      method: 'post',
      path: spec.path,
      summary: spec.summary,
      tag: this.t.tag,
      permission: spec.permission,
      audit: spec.audit,
      body: spec.body,
      headers: { 'Idempotency-Key': { description: 'Repeat-safe creation: the same key returns the first one' } },
      responses: {
        201: { description: 'Created', schema: this.t.schema },
        200: { description: 'Replay of an earlier request with the same Idempotency-Key', schema: this.t.schema },
        ...spec.responses,
      },
      handler: async (c, { body }) => {
        const ctx = authed(c);
        const { ticket, replayed } = await spec.create(ctx, body, idempotencyKey(ctx));
        this.noteChange(ctx, null, ticket, { ...spec.auditExtra(body), replayed });
        ctx.status = replayed ? 200 : 201;
        if (replayed) ctx.set('Idempotent-Replayed', 'true');
        ctx.set('Location', spec.location(ticket));
        this.send(ctx, ticket);
      },
    });
  }

  /** Declares a command endpoint: headers, validation, the command, the audit entry, the answer. */
  route<P extends z.ZodType, B extends z.ZodType = z.ZodUndefined>(spec: CommandRouteSpec<T, P, B>): AnyRoute {
    return defineRoute({
      method: spec.method ?? 'post',
      path: spec.path,
      summary: spec.summary,
      tag: this.t.tag,
      permission: spec.permission,
      audit: spec.audit,
      params: spec.params,
      body: spec.body,
      headers: COMMAND_HEADERS,
      responses: {
        200: { description: `The changed ${this.t.targetType}`, schema: this.t.schema },
        ...this.t.responses,
        ...spec.responses,
      },
      handler: async (c, { params, body }) => {
        const ctx = authed(c);
        const revision = spec.bodyRevision ? (body as { revision?: number } | undefined)?.revision : undefined;
        const meta = commandMeta(ctx, revision);
        const { before, ticket } = await spec.run(ctx, { params, body, meta });
        if (spec.auditNote) ctx.state.audit = spec.auditNote({ params, body, ticket });
        else this.noteChange(ctx, before ?? null, ticket, spec.auditExtra?.({ params, body, ticket }));
        this.send(ctx, ticket);
      },
    });
  }
}
