/**
 * Incident changes per organization for the live event streams: one poll of the read model a
 * second per organization with listeners (not per open browser tab), fanned out in memory.
 */
import type { Orm } from '../db/orm.js';
import { incidentKey } from '../workflows/incident-messages.js';

export interface IncidentChange {
  key: string;
  revision: number;
  status: string;
  updatedAt: Date;
  requesterId: string;
}

type Listener = (change: IncidentChange) => void;

const POLL_MS = 1000;

export class ChangeFeed {
  private readonly orgs = new Map<string, { since: Date; listeners: Set<Listener>; timer: NodeJS.Timeout }>();

  constructor(
    private readonly orm: Orm,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Calls `listener` for each change from now on; returns the unsubscribe function. */
  subscribe(orgId: string, listener: Listener): () => void {
    let feed = this.orgs.get(orgId);
    if (!feed) {
      const created = {
        since: new Date(),
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

  private async poll(orgId: string, feed: { since: Date; listeners: Set<Listener> }): Promise<void> {
    const rows = await this.orm.em
      .fork()
      .execute<{ number: number; revision: number; status: string; updated_at: Date; requester_id: string }[]>(
        `select number, revision, status, updated_at, requester_id from incidents
         where organization_id = ? and updated_at > ? order by updated_at limit 500`,
        [orgId, feed.since],
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
      for (const listener of feed.listeners) listener(change);
    }
  }
}
