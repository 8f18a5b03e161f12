/**
 * Live changes for the web app: a server-sent event stream of incidents that changed in the
 * caller's organization (requesters: only their own). The organization's change feed polls the
 * read model once a second; each event names the incident and its new revision, and the app
 * reloads what it shows.
 */
import { PassThrough } from 'node:stream';
import { z } from 'zod';
import type { ChangeFeed } from '../change-feed.js';
import { type AnyRoute, authed, defineRoute } from '../route.js';

const HEARTBEAT_MS = 15_000;
/** Streams end after this long; the app reconnects with a fresh token (a revoked session stops). */
const MAX_STREAM_MS = 10 * 60_000;

export function eventRoutes(feed: ChangeFeed): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/events',
      summary: 'Server-sent events: `incident` {key, revision, status, updatedAt} when an incident changes',
      tag: 'incidents',
      permission: ['incident.read', 'incident.read_own'],
      query: z.strictObject({}),
      responses: { 200: { description: 'text/event-stream' } },
      handler: async (c) => {
        const ctx = authed(c);
        const { principal } = ctx.state;
        const ownOnly = !principal.permissions.has('incident.read');
        const stream = new PassThrough();
        ctx.req.socket.setTimeout(0);
        ctx.req.socket.setNoDelay(true);
        ctx.status = 200;
        ctx.set({
          'Content-Type': 'text/event-stream',
          'Cache-Control': 'no-cache, no-store',
          'X-Accel-Buffering': 'no',
        });
        ctx.body = stream;
        stream.write(`retry: 2000\n: connected\n\n`);

        const unsubscribe = feed.subscribe(principal.orgId, ({ requesterId, ...change }) => {
          if (ownOnly && requesterId !== principal.userId) return;
          stream.write(`event: incident\ndata: ${JSON.stringify(change)}\n\n`);
        });
        const heartbeat = setInterval(() => stream.write(': keep-alive\n\n'), HEARTBEAT_MS);
        const end = setTimeout(() => stream.end(), MAX_STREAM_MS);
        const stop = () => {
          unsubscribe();
          clearInterval(heartbeat);
          clearTimeout(end);
        };
        stream.on('close', stop);
        ctx.req.on('close', () => {
          stop();
          stream.end();
        });
      },
    }),
  ];
}
