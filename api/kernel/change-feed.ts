/**
 * Incident changes per organization for the live event streams: one poll of the read model a
 * second per organization with listeners (not per open browser tab), fanned out in memory.
 */
import type { Orm } from '../../db/orm.js';
import { incidentKey } from '../../workflows/incident/messages.js';

export interface IncidentChange {
  key: string;
  revision: number;
  status: string;
  updatedAt: Date;
  requesterId: string;
}

type Listener = (change: IncidentChange) => void;

const POLL_MS = 1000;
/**
 * `updated_at` is when the workflow decided a change, not when its projection row landed (a retried
 * activity can land late): each poll looks this far back and skips revisions already reported.
 */
const LOOK_BACK_MS = 30_000;

interface OrgFeed {
  /** The newest `updated_at` seen. */
  since: Date;
  /** The revision last reported per incident number, for changes inside the look-back window. */
  reported: Map<number, { revision: number; at: number }>;
  listeners: Set<Listener>;
  timer: NodeJS.Timeout;
}

export class ChangeFeed {
  private readonly orgs = new Map<string, OrgFeed>();

  constructor(
    private readonly orm: Orm,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Calls `listener` for each change from now on; returns the unsubscribe function. */
  subscribe(orgId: string, listener: Listener): () => void {
    let feed = this.orgs.get(orgId);
    if (!feed) {
      const created: OrgFeed = {
        since: new Date(),
        reported: new Map(),
        listeners: new Set<Listener>(),
        timer: undefined as unknown as NodeJS.Timeout,
      };
      let polling = false;
      created.timer = setInterval(() => {
        if (polling) return;
        polling = true;
        this.poll(orgId, created)
          .catch(this.onError)
          .finally(() => (polling = false));
      }, POLL_MS);
      this.orgs.set(orgId, created);
      feed = created;
    }
    const current = feed;
    current.listeners.add(listener);
    return () => {
      if (!current.listeners.delete(listener) || current.listeners.size > 0) return;
      clearInterval(current.timer);
      if (this.orgs.get(orgId) === current) this.orgs.delete(orgId);
    };
  }

  private async poll(orgId: string, feed: OrgFeed): Promise<void> {
    const from = new Date(feed.since.getTime() - LOOK_BACK_MS);
    const rows = await this.orm.em
      .fork()
      .execute<{ number: number; revision: number; status: string; updated_at: Date; requester_id: string }[]>(
        `select number, revision, status, updated_at, requester_id from incidents
         where organization_id = ? and updated_at > ? order by updated_at limit 500`,
        [orgId, from],
      );
    for (const r of rows) {
      const change = {
        key: incidentKey(r.number),
        revision: r.revision,
        status: r.status,
        updatedAt: new Date(r.updated_at),
        requesterId: r.requester_id,
      };
      if (change.updatedAt > feed.since) feed.since = change.updatedAt;
      const last = feed.reported.get(r.number);
      if (last && last.revision >= r.revision) continue;
      feed.reported.set(r.number, { revision: r.revision, at: change.updatedAt.getTime() });
      for (const listener of feed.listeners) listener(change);
    }
    // What fell out of the window cannot come back: forget it.
    for (const [n, seen] of feed.reported) if (seen.at <= from.getTime()) feed.reported.delete(n);
  }
}
