/**
 * One declaration per endpoint: its schemas validate the request and describe it in OpenAPI, so
 * the contract and the document cannot drift apart.
 */
import type Router from '@koa/router';
import type { Next } from 'koa';
import { z } from 'zod';
import type { AuditLog } from '../platform/audit.js';
import { auditContext } from '../platform/auth.js';
import type { AppContext, Principal } from './context.js';
import { AppError, type FieldError, forbidden, unauthorized } from './errors.js';
import type { Em } from '../../db/orm.js';
import { type Requirement, satisfies } from '../../workflows/kernel/permissions.js';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
}

export interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  method: Method;
  /** Koa-style path relative to the router prefix, e.g. `/incidents/:key`. */
  path: string;
  summary: string;
  /** The longer explanation in the OpenAPI document (what is refused and why). */
  description?: string;
  tag: string;
  /** What the caller needs: `public`, `authenticated`, a permission, or any of several. */
  permission: Requirement;
  /**
   * The audit action recorded when a mutating request succeeds (e.g. `incident.transition`). Every
   * authenticated POST/PUT/PATCH/DELETE declares one; handlers add target and before/after.
   */
  audit?: string;
  params?: P;
  query?: Q;
  body?: B;
  headers?: Record<string, { description: string; required?: boolean }>;
  responses: Record<number, ResponseSpec>;
  handler: (ctx: AppContext, input: { params: z.output<P>; query: z.output<Q>; body: z.output<B> }) => Promise<void>;
}

export interface AuthedContext extends AppContext {
  state: AppContext['state'] & { principal: Principal; em: Em };
}

/** Narrows a context to an authenticated one (routes with `auth: true` always are). */
export function authed(ctx: AppContext): AuthedContext {
  if (!ctx.state.principal || !ctx.state.em) throw unauthorized();
  return ctx as AuthedContext;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRoute = RouteSpec<any, any, any>;

/** Identity helper that keeps the handler's input types tied to the schemas. */
export function defineRoute<
  P extends z.ZodType = z.ZodUndefined,
  Q extends z.ZodType = z.ZodUndefined,
  B extends z.ZodType = z.ZodUndefined,
>(spec: RouteSpec<P, Q, B>): RouteSpec<P, Q, B> {
  return spec;
}

function fieldErrors(error: z.ZodError, prefix: string): FieldError[] {
  return error.issues.map((i) => ({
    field: [prefix, ...i.path.map(String)].filter(Boolean).join('.') || prefix,
    message: i.message,
  }));
}

function parse<T extends z.ZodType>(schema: T | undefined, value: unknown, where: string): z.output<T> {
  if (!schema) return undefined as z.output<T>;
  const r = schema.safeParse(value);
  if (!r.success) {
    const status = where === 'body' ? 422 : 400;
    const code = where === 'body' ? 'validation_failed' : 'invalid_parameter';
    throw new AppError(status, code, `The request ${where} is invalid`, fieldErrors(r.error, where));
  }
  return r.data;
}

export function isMutating(spec: AnyRoute): boolean {
  return spec.method !== 'get';
}

/**
 * Mounts a route: authentication (unless public), then its permission, then validation, then the
 * handler; a successful mutating request is appended to the audit log before the response goes.
 */
export function mount(
  router: Router<AppContext['state'], AppContext>,
  spec: AnyRoute,
  deps: { authenticate: (ctx: AppContext, next: Next) => Promise<void>; audit: AuditLog },
): void {
  if (spec.permission !== 'public' && isMutating(spec) && !spec.audit) {
    throw new Error(`${spec.method.toUpperCase()} ${spec.path} changes data but declares no audit action`);
  }
  const handler = async (ctx: AppContext) => {
    if (spec.permission !== 'public') {
      const principal = ctx.state.principal;
      if (!principal) throw unauthorized();
      if (!satisfies(principal.kind, principal.permissions, spec.permission)) {
        // A refused attempt is a security event too (who tried what).
        await deps.audit.append(principal.orgId, {
          ...auditContext(ctx, principal),
          action: 'access.denied',
          targetType: 'route',
          targetId: `${spec.method.toUpperCase()} ${spec.path}`,
          after: { required: spec.permission },
        });
        if (spec.permission === 'person') throw forbidden('Only a signed-in person can do this, not an API key');
        const needed = typeof spec.permission === 'string' ? spec.permission : spec.permission.join("' or '");
        throw forbidden(`This needs the '${needed}' permission`);
      }
    }
    const params = parse(spec.params, ctx.params, 'path');
    const query = parse(spec.query, ctx.query, 'query');
    const body = parse(spec.body, (ctx.request as { body?: unknown }).body, 'body');
    await spec.handler(ctx, { params, query, body });
    const principal = ctx.state.principal;
    if (spec.audit && principal && ctx.status < 400) {
      const note = ctx.state.audit ?? {};
      await deps.audit.append(principal.orgId, {
        ...auditContext(ctx, principal),
        action: spec.audit,
        targetType: note.targetType ?? null,
        targetId: note.targetId ?? (typeof ctx.params['id'] === 'string' ? ctx.params['id'] : null),
        before: note.before,
        after: note.after,
      });
      for (const more of note.also ?? [])
        await deps.audit.append(principal.orgId, {
          ...auditContext(ctx, principal),
          action: more.action,
          targetType: more.targetType ?? null,
          targetId: more.targetId ?? null,
          before: more.before,
          after: more.after,
        });
    }
  };
  const chain = spec.permission === 'public' ? [handler] : [deps.authenticate, handler];
  router[spec.method](spec.path, ...(chain as [typeof handler]));
}
