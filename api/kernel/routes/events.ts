/**
 * Live changes for the web app: a server-sent event stream of tickets that changed in the
 * caller's organization (of each type, all of them for those who read every ticket, their own for
 * requesters). The organization's change feed polls the read models once a second; each event is
 * named by the ticket type, names the ticket and its new revision, and the app reloads what it shows.
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
      summary: `Server-sent events, one per ticket change: ${feed.sources.map((s) => `\`${s.event}\``).join(', ')} {key, revision, status, updatedAt}`,
      tag: 'events',
      permission: feed.sources.flatMap((s) => [s.read, s.readOwn]),
      query: z.strictObject({}),
      responses: { 200: { description: 'text/event-stream' } },
      handler: async (c) => {
        const ctx = authed(c);
        const { principal } = ctx.state;
        /** Whether this person is told of a change: every one of a type they read, else their own. */
        const told = (event: string, requesterId: string, participants: string[]) => {
          const src = feed.sources.find((s) => s.event === event);
          if (!src) return false;
          if (principal.permissions.has(src.read)) return true;
          if (participants.includes(principal.userId)) return true;
          return principal.permissions.has(src.readOwn) && requesterId === principal.userId;
        };
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

        const unsubscribe = feed.subscribe(principal.orgId, ({ requesterId, participants, event, ...change }) => {
          if (!told(event, requesterId, participants)) return;
          stream.write(`event: ${event}\ndata: ${JSON.stringify(change)}\n\n`);
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
