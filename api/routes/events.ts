/**
 * Live changes for the web app: a server-sent event stream of incidents that changed in the
 * caller's organization (requesters: only their own). The read model is polled once a second per
 * stream; each event names the incident and its new revision, and the app reloads what it shows.
 */
import { PassThrough } from 'node:stream';
import { z } from 'zod';
import { type AnyRoute, authed, defineRoute } from '../route.js';
import { INCIDENT_PREFIX } from '../../workflows/incident-messages.js';

const POLL_MS = 1000;
const HEARTBEAT_MS = 15_000;
/** Streams end after this long; the app reconnects with a fresh token (a revoked session stops). */
const MAX_STREAM_MS = 10 * 60_000;

export function eventRoutes(): AnyRoute[] {
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
        const em = ctx.state.em.fork();
        const ownOnly = !principal.permissions.has('incident.read');
        let since = new Date();
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

        let polling = false;
        const poll = async () => {
          if (polling) return;
          polling = true;
          try {
            const rows = await em.execute<{ number: number; revision: number; status: string; updated_at: Date }[]>(
              `select number, revision, status, updated_at from incidents
               where organization_id = ? and updated_at > ? ${ownOnly ? 'and requester_id = ?' : ''}
               order by updated_at limit 500`,
              ownOnly ? [principal.orgId, since, principal.userId] : [principal.orgId, since],
            );
            for (const r of rows) {
              const updatedAt = new Date(r.updated_at);
              if (updatedAt > since) since = updatedAt;
              const data = { key: `${INCIDENT_PREFIX}-${r.number}`, revision: r.revision, status: r.status, updatedAt };
              stream.write(`event: incident\ndata: ${JSON.stringify(data)}\n\n`);
            }
          } catch (err) {
            ctx.state.log.warn({ err }, 'event stream poll failed');
          } finally {
            polling = false;
          }
        };
        const timers = [
          setInterval(() => void poll(), POLL_MS),
          setInterval(() => stream.write(': keep-alive\n\n'), HEARTBEAT_MS),
        ];
        const end = setTimeout(() => stream.end(), MAX_STREAM_MS);
        const stop = () => {
          timers.forEach(clearInterval);
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
