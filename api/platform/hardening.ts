/** Security headers and strict CORS for every response. */
import type { Next } from 'koa';
import type { AppContext } from '../kernel/context.js';
import { AppError } from '../kernel/errors.js';

/** Headers that keep browsers from sniffing, framing, caching or leaking API responses. */
export async function securityHeaders(ctx: AppContext, next: Next): Promise<void> {
  ctx.set({
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
    'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
    'Cache-Control': 'no-store',
  });
  await next();
}

const ALLOWED_HEADERS = 'Authorization, Content-Type, Idempotency-Key, If-Match, X-Request-Id, X-Api-Key';
const EXPOSED_HEADERS = 'ETag, Retry-After, X-Request-Id, Idempotent-Replayed, Location';

/**
 * CORS for an explicit list of origins only. A preflight from any other origin is refused; a simple
 * request from one gets no CORS headers, so the browser withholds the response.
 */
export function cors(origins: readonly string[]) {
  const allowed = new Set(origins);
  return async (ctx: AppContext, next: Next): Promise<void> => {
    const origin = ctx.get('Origin');
    ctx.vary('Origin');
    if (!origin) return next();
    const ok = allowed.has(origin);
    if (ctx.method === 'OPTIONS' && ctx.get('Access-Control-Request-Method')) {
      if (!ok) throw new AppError(403, 'cors_origin_denied', `Origin ${origin.slice(0, 200)} may not call this API`);
      ctx.set({
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Methods': 'GET, POST, PUT, PATCH, DELETE',
        'Access-Control-Allow-Headers': ALLOWED_HEADERS,
        'Access-Control-Max-Age': '600',
      });
      ctx.status = 204;
      return;
    }
    if (ok) {
      ctx.set('Access-Control-Allow-Origin', origin);
      ctx.set('Access-Control-Expose-Headers', EXPOSED_HEADERS);
    }
    await next();
  };
}
