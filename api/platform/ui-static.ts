/**
 * Serves the built web app (ui/dist) from the API's origin: files as they are (hashed scripts and
 * styles gzipped for clients that accept it), hashed assets cached for a year, and index.html for
 * every other GET outside the API (client-side routes).
 */
import type { Next } from 'koa';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { extname, join, normalize, sep } from 'node:path';
import type { AppContext } from '../kernel/context.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
};

/** What the web app may load: only its own origin (Vuetify injects theme styles, hence inline styles). */
const UI_CSP = [
  "default-src 'self'",
  "img-src 'self' data:",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

const COMPRESSIBLE = new Set(['.js', '.css', '.svg', '.json', '.html']);
const gzipAsync = promisify(gzip);

/**
 * Gzipped copies of the hashed assets, made once per file: their names change with their content,
 * so a copy never goes stale while the process runs.
 */
const gzipped = new Map<string, Promise<Buffer>>();
function gzippedAsset(file: string): Promise<Buffer> {
  let copy = gzipped.get(file);
  if (!copy) {
    copy = readFile(file).then((b) => gzipAsync(b, { level: 9 }));
    gzipped.set(file, copy);
    copy.catch(() => gzipped.delete(file)); // a failed read is tried again by the next request
  }
  return copy;
}

async function fileAt(root: string, path: string): Promise<string | null> {
  const full = normalize(join(root, decodeURIComponent(path)));
  if (full !== root && !full.startsWith(root + sep)) return null;
  try {
    return (await stat(full)).isFile() ? full : null;
  } catch {
    return null;
  }
}

export function serveUi(root: string, apiPrefix: string) {
  const base = normalize(root);
  return async (ctx: AppContext, next: Next): Promise<void> => {
    // Every /api path is the API's (another version included): an unknown one is a problem+json 404,
    // never the web app's HTML.
    const isApi =
      ctx.path === '/api' ||
      ctx.path.startsWith('/api/') ||
      ctx.path.startsWith(apiPrefix) ||
      ctx.path === '/healthz' ||
      ctx.path === '/readyz';
    if (isApi || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
    let file: string | null = null;
    try {
      file = ctx.path === '/' ? null : await fileAt(base, ctx.path);
    } catch {
      file = null; // a malformed %-escape: answer with the app, which shows its own "not found"
    }
    const index = !file;
    if (index) {
      // A missing asset is a 404, not the app (so a stale browser does not run HTML as a script).
      if (ctx.path.startsWith('/assets/')) return next();
      file = await fileAt(base, 'index.html');
      if (!file) return next();
    }
    ctx.set('Content-Security-Policy', UI_CSP);
    ctx.set(
      'Cache-Control',
      index
        ? 'no-cache'
        : ctx.path.startsWith('/assets/')
          ? 'public, max-age=31536000, immutable'
          : 'public, max-age=3600',
    );
    ctx.type = TYPES[extname(file!)] ?? 'application/octet-stream';
    if (!index && ctx.path.startsWith('/assets/') && COMPRESSIBLE.has(extname(file!))) {
      ctx.vary('Accept-Encoding');
      if (ctx.acceptsEncodings('gzip', 'identity') === 'gzip') {
        ctx.set('Content-Encoding', 'gzip');
        ctx.body = await gzippedAsset(file!);
        return;
      }
    }
    ctx.body = createReadStream(file!);
  };
}
