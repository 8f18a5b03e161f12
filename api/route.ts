/**
 * One declaration per endpoint: its schemas validate the request and describe it in OpenAPI, so
 * the contract and the document cannot drift apart.
 */
import type Router from '@koa/router';
import type { Next } from 'koa';
import { z } from 'zod';
import type { AppContext, Principal } from './context.js';
import { AppError, type FieldError, forbidden, unauthorized } from './errors.js';
import type { Em } from '../db/orm.js';

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
  tag: string;
  /** Whether a valid access token is required. */
  auth: boolean;
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

/** Refuses requesters: for endpoints meant for service-desk staff only. */
export function requireStaff(ctx: AuthedContext, what = 'do this'): void {
  if (ctx.state.principal.role === 'requester') throw forbidden(`Only service-desk staff may ${what}`);
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

/** Mounts a route on a router, with validation in front of its handler. */
export function mount(
  router: Router<AppContext['state'], AppContext>,
  spec: AnyRoute,
  authenticate: (ctx: AppContext, next: Next) => Promise<void>,
): void {
  const handler = async (ctx: AppContext) => {
    const params = parse(spec.params, ctx.params, 'path');
    const query = parse(spec.query, ctx.query, 'query');
    const body = parse(spec.body, (ctx.request as { body?: unknown }).body, 'body');
    await spec.handler(ctx, { params, query, body });
  };
  const chain = spec.auth ? [authenticate, handler] : [handler];
  router[spec.method](spec.path, ...(chain as [typeof handler]));
}
