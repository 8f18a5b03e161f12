/** The Koa application: error handling first, then request ids, body parsing, routes. */
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type { Client } from '@temporalio/client';
import Koa from 'koa';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Orm } from '../db/orm.js';
import { createAccount } from './platform/account/index.js';
import { AuditLog } from './platform/audit.js';
import { createAuth } from './platform/auth.js';
import { cors, securityHeaders } from './platform/hardening.js';
import { RateLimiter } from './platform/rate-limit.js';
import { adminRoutes } from './platform/routes/admin/index.js';
import { auditRoutes } from './platform/routes/audit.js';
import { ChangeFeed } from './kernel/change-feed.js';
import { eventRoutes } from './kernel/routes/events.js';
import { serveUi } from './platform/ui-static.js';
import { slaRoutes } from './platform/routes/sla.js';
import type { AppContext, AppState } from './kernel/context.js';
import { AppError, titleFor } from './kernel/errors.js';
import { readiness } from './platform/health.js';
import { incidentModule } from './incident/module.js';
import { requestModule } from './request/module.js';
import { cmdbModule } from './cmdb/module.js';
import { type ApiModule, RecordReferences } from './kernel/modules.js';
import { buildOpenApi } from './kernel/openapi.js';
import { uniqueViolation } from './kernel/unique-constraints.js';
import { attachmentRoutes, isUploadPath } from './kernel/routes/attachments.js';
import type { TemporalTimeouts } from './kernel/temporal-calls.js';
import { type AnyRoute, mount } from './kernel/route.js';
import { authRoutes } from './platform/routes/auth.js';
import { DirectoryTeam, DirectoryUser, directoryRoutes } from './platform/routes/directory.js';
import { SavedViewDto, savedViewRoutes } from './platform/routes/saved-views.js';

export const API_PREFIX = '/api/v1';

export interface AppDeps {
  orm: Orm;
  temporal: Client;
  log: Logger;
  jwtSecret: string;
  jwtTtlMs: number;
  bcryptCost: number;
  bodyLimitBytes: number;
  autoCloseAfterMs: number;
  taskQueue?: string | undefined;
  /** Key for TOTP secrets at rest (derived from jwtSecret when absent). */
  mfaKey?: string | undefined;
  lockout?: { maxFailures: number; windowMs: number; lockMs: number };
  /** Requests per minute per signed-in user or API key. */
  rateLimitPerMinute?: number;
  /** Requests per minute per client address (and per account) on sign-in, MFA and reset. */
  authRateLimitPerMinute?: number;
  corsOrigins?: readonly string[];
  /**
   * How many reverse proxies in front of the API append to X-Forwarded-For; the client address is
   * taken that many hops from the right (never the client-chosen left end). 0 ignores the header.
   */
  trustProxyHops?: number;
  publicUrl?: string;
  /** The level of the one line logged per request (the embedded start keeps them at debug). */
  requestLogLevel?: 'info' | 'debug';
  /** Deadlines of Temporal calls (defaults in api/temporal-calls.ts). */
  temporalTimeouts?: TemporalTimeouts;
  /** The built web app (ui/dist) to serve from this origin; absent: API only. */
  uiDir?: string | undefined;
}

/** True when the error (or one of its causes) says a dependency could not be reached. */
function isUnavailable(err: unknown): boolean {
  for (
    let e = err as { code?: unknown; name?: unknown; cause?: unknown } | undefined, depth = 0;
    e && depth < 5;
    depth++
  ) {
    // gRPC UNAVAILABLE / DEADLINE_EXCEEDED from Temporal; refused sockets and MikroORM connection errors
    if (e.code === 14 || e.code === 4 || e.code === 'ECONNREFUSED' || e.code === 'ECONNRESET') return true;
    if (e.name === 'ConnectionException' || e.name === 'ServiceError') return true;
    e = e.cause as typeof e;
  }
  return false;
}

/** Errors from Koa and its middleware that carry a client-side status, mapped to stable codes. */
function fromHttpError(err: { status?: number; code?: string }): AppError | null {
  const status = err.status ?? 0;
  // zlib failures of a body sent with Content-Encoding: gzip/deflate/br that is not what it says
  if (typeof err.code === 'string' && err.code.startsWith('Z_')) {
    return new AppError(400, 'malformed_body', 'The request body could not be decoded (Content-Encoding)');
  }
  if (status === 413) return new AppError(413, 'payload_too_large', 'The request body is larger than allowed');
  if (status === 415) return new AppError(415, 'unsupported_media_type', 'Send request bodies as application/json');
  if (status === 400) return new AppError(400, 'malformed_body', 'The request body must be a valid JSON object');
  return null;
}

export function createApp(deps: AppDeps) {
  const app = new Koa<AppState, AppContext>();
  // Errors after the answer has started (a streamed body): a client that went away is normal for
  // the event stream; anything else is logged once through our logger instead of Koa's stderr.
  const GONE = new Set(['ERR_STREAM_PREMATURE_CLOSE', 'ECONNRESET', 'EPIPE']);
  app.on('error', (err: { code?: string }) => {
    if (!GONE.has(err.code ?? '')) deps.log.error({ err }, 'response failed after it started');
  });
  app.proxy = (deps.trustProxyHops ?? 0) > 0;
  app.maxIpsCount = deps.trustProxyHops ?? 0;
  const audit = new AuditLog(deps.orm);
  const auth = createAuth({
    ...deps,
    audit,
    principalLimiter: new RateLimiter(deps.rateLimitPerMinute ?? 600, 60_000),
  });
  const account = createAccount({
    orm: deps.orm,
    auth,
    audit,
    bcryptCost: deps.bcryptCost,
    jwtSecret: deps.jwtSecret,
    mfaKey: deps.mfaKey,
    lockout: deps.lockout ?? { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 },
    authLimiter: new RateLimiter(deps.authRateLimitPerMinute ?? 30, 60_000),
    publicUrl: deps.publicUrl ?? 'http://127.0.0.1:3000',
  });
  // Each ticket type (and later each domain) is one module: its routes and what refers to shared records.
  const modules: ApiModule[] = [
    incidentModule({
      orm: deps.orm,
      temporal: deps.temporal,
      audit,
      autoCloseAfterMs: deps.autoCloseAfterMs,
      taskQueue: deps.taskQueue,
      temporalTimeouts: deps.temporalTimeouts,
      linkSecret: deps.jwtSecret,
    }),
    requestModule({
      orm: deps.orm,
      temporal: deps.temporal,
      audit,
      taskQueue: deps.taskQueue,
      temporalTimeouts: deps.temporalTimeouts,
      linkSecret: deps.jwtSecret,
    }),
    cmdbModule({ temporal: deps.temporal, taskQueue: deps.taskQueue }),
  ];
  const routes: AnyRoute[] = [
    ...authRoutes(auth, account),
    ...directoryRoutes(),
    ...savedViewRoutes(),
    ...modules.flatMap((m) => m.routes),
    ...attachmentRoutes(modules, audit),
    ...adminRoutes(auth, account, new RecordReferences(modules)),
    ...auditRoutes(audit),
    ...slaRoutes(),
    ...eventRoutes(
      new ChangeFeed(
        deps.orm,
        modules.flatMap((m) => (m.feed ? [m.feed] : [])),
        (err) => deps.log.warn({ err }, 'change feed poll failed'),
      ),
    ),
  ];

  // 1. Errors → application/problem+json. Unexpected errors are logged once and answered without internals.
  app.use(async (ctx, next) => {
    const requestId =
      ctx
        .get('X-Request-Id')
        .slice(0, 100)
        .replace(/[^\w.-]/g, '') || randomUUID();
    ctx.state.requestId = requestId;
    ctx.state.log = deps.log.child({ requestId });
    ctx.set('X-Request-Id', requestId);
    const started = performance.now();
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new AppError(404, 'route_not_found', `No route for ${ctx.method} ${ctx.path}`);
      }
    } catch (raw) {
      const err =
        raw instanceof AppError
          ? raw
          : (uniqueViolation(raw) ??
            (isUnavailable(raw)
              ? new AppError(
                  503,
                  'temporarily_unavailable',
                  'A service behind the API is unavailable; try again shortly',
                  [],
                  {
                    'Retry-After': '5',
                  },
                )
              : fromHttpError(raw as { status?: number; code?: string })));
      if (err?.status === 503) ctx.state.log.warn({ err: raw }, 'dependency unavailable');
      if (err) {
        ctx.status = err.status;
        for (const [k, v] of Object.entries(err.headers)) ctx.set(k, v);
        ctx.body = {
          type: `https://lintas.dev/problems/${err.code}`,
          title: titleFor(err.status),
          status: err.status,
          detail: err.detail,
          code: err.code,
          requestId,
          ...err.extensions,
          ...(err.fields.length ? { errors: err.fields } : {}),
        };
      } else {
        ctx.state.log.error({ err: raw, method: ctx.method, path: ctx.path }, 'unhandled error');
        ctx.status = 500;
        ctx.body = {
          type: 'https://lintas.dev/problems/internal',
          title: titleFor(500),
          status: 500,
          detail: 'Something went wrong on our side; the request id identifies it in the logs',
          code: 'internal',
          requestId,
        };
      }
      ctx.type = 'application/problem+json';
    } finally {
      ctx.state.log[deps.requestLogLevel ?? 'info'](
        { method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(performance.now() - started) },
        'request',
      );
    }
  });

  // 2. Security headers on every answer; cross-origin calls only from configured origins.
  app.use(securityHeaders);
  app.use(cors(deps.corsOrigins ?? []));

  // 3. Only JSON bodies, and not too large.
  //    File uploads are the exception: their bytes stream to storage as they arrive (any type).
  const isUpload = (ctx: AppContext) => ctx.method === 'POST' && isUploadPath(ctx.path);
  app.use(async (ctx, next) => {
    if (
      ['POST', 'PUT', 'PATCH', 'DELETE'].includes(ctx.method) &&
      ctx.request.length &&
      !ctx.is('application/json') &&
      !isUpload(ctx)
    ) {
      throw new AppError(415, 'unsupported_media_type', 'Send request bodies as application/json');
    }
    await next();
  });
  const parseJson = bodyParser({
    enableTypes: ['json'],
    jsonLimit: deps.bodyLimitBytes,
    encoding: 'utf-8',
    parsedMethods: ['POST', 'PUT', 'PATCH', 'DELETE'],
  });
  app.use((ctx, next) => (isUpload(ctx) ? next() : parseJson(ctx, next)));

  const root = new Router<AppState, AppContext>();
  root.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  root.get('/readyz', async (ctx) => {
    const r = await readiness(deps.orm, deps.temporal);
    ctx.status = r.ready ? 200 : 503;
    ctx.body = { status: r.ready ? 'ready' : 'not_ready', checks: r.checks };
  });

  const api = new Router<AppState, AppContext>({ prefix: API_PREFIX });
  for (const r of routes) mount(api, r, { authenticate: auth.authenticate, audit });
  const openapi = buildOpenApi(
    routes,
    API_PREFIX,
    {
      '/healthz': {
        get: { summary: 'Liveness', tags: ['health'], responses: { 200: { description: 'The process is up' } } },
      },
      '/readyz': {
        get: {
          summary: 'Readiness: database and Temporal reachable',
          tags: ['health'],
          responses: { 200: { description: 'Ready' }, 503: { description: 'A dependency is unavailable' } },
        },
      },
      [`${API_PREFIX}/openapi.json`]: {
        get: { summary: 'This document', tags: ['meta'], responses: { 200: { description: 'OpenAPI 3.1' } } },
      },
    },
    {
      DirectoryUser,
      DirectoryTeam,
      SavedView: SavedViewDto,
      ...Object.assign({}, ...modules.map((m) => m.contract ?? {})),
    },
  );
  api.get('/openapi.json', (ctx) => {
    ctx.body = openapi;
  });

  const methodNotAllowed = () => new AppError(405, 'method_not_allowed', 'This method is not allowed on this path');
  const notImplemented = () => new AppError(405, 'method_not_allowed', 'This method is not implemented');
  if (deps.uiDir) app.use(serveUi(deps.uiDir, API_PREFIX));
  app.use(root.routes()).use(root.allowedMethods({ throw: true, methodNotAllowed, notImplemented }));
  app.use(api.routes()).use(api.allowedMethods({ throw: true, methodNotAllowed, notImplemented }));
  return { app, openapi, routes, audit, auth, account };
}
