/**
 * Ticket changes per organization for the live event streams: one poll of each ticket type's read
 * model a second per organization with listeners (not per open browser tab), fanned out in memory.
 * Each ticket type registers its source (api/kernel/modules.ts).
 */
import type { Orm } from '../../db/orm.js';
import type { Permission } from '../../workflows/kernel/permissions.js';
import { type TicketType, ticketKey } from '../../workflows/kernel/ticket-types.js';

/** A ticket type's read model as the feed polls it. */
export interface FeedSource {
  /** The event name on the stream, e.g. `incident`. */
  event: string;
  type: TicketType;
  /** Its table: with organization_id, number, revision, status, updated_at and requester_id. */
  table: string;
  /** Who is told of every change, and who only of changes to tickets they raised. */
  read: Permission;
  readOwn: Permission;
  /**
   * An SQL expression over the table's row giving the ids (text[]) of others who take part and
   * hear of its changes though they read only their own (a request's approvers).
   */
  participants?: string;
}

export interface TicketChange {
  /** The source's event name. */
  event: string;
  key: string;
  revision: number;
  status: string;
  updatedAt: Date;
  requesterId: string;
  /** Others told of the change (see FeedSource.participants). */
  participants: string[];
}

type Listener = (change: TicketChange) => void;

const POLL_MS = 1000;
/**
 * `updated_at` is when the workflow decided a change, not when its projection row landed (a retried
 * activity can land late): each poll looks this far back and skips revisions already reported.
 */
const LOOK_BACK_MS = 30_000;

interface OrgFeed {
  /** The newest `updated_at` seen, per source. */
  since: Map<string, Date>;
  /** The revision last reported per ticket key, for changes inside the look-back window. */
  reported: Map<string, { revision: number; at: number }>;
  listeners: Set<Listener>;
  timer: NodeJS.Timeout;
}

export class ChangeFeed {
  private readonly orgs = new Map<string, OrgFeed>();

  constructor(
    private readonly orm: Orm,
    readonly sources: readonly FeedSource[],
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Calls `listener` for each change from now on; returns the unsubscribe function. */
  subscribe(orgId: string, listener: Listener): () => void {
    let feed = this.orgs.get(orgId);
    if (!feed) {
      const created: OrgFeed = {
        since: new Map(this.sources.map((src) => [src.event, new Date()])),
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
    let oldest = Infinity;
    for (const src of this.sources) {
      const from = new Date(feed.since.get(src.event)!.getTime() - LOOK_BACK_MS);
      oldest = Math.min(oldest, from.getTime());
      const rows = await this.orm.em.fork().execute<
        {
          number: number;
          revision: number;
          status: string;
          updated_at: Date;
          requester_id: string;
          participants: string[] | null;
        }[]
      >(
        `select number, revision, status, updated_at, requester_id,
             ${src.participants ?? 'null'} as participants from ${src.table}
           where organization_id = ? and updated_at > ? order by updated_at limit 500`,
        [orgId, from],
      );
      for (const r of rows) {
        const change: TicketChange = {
          event: src.event,
          key: ticketKey(src.type, r.number),
          revision: r.revision,
          status: r.status,
          updatedAt: new Date(r.updated_at),
          requesterId: r.requester_id,
          participants: r.participants ?? [],
        };
        if (change.updatedAt > feed.since.get(src.event)!) feed.since.set(src.event, change.updatedAt);
        const last = feed.reported.get(change.key);
        if (last && last.revision >= r.revision) continue;
        feed.reported.set(change.key, { revision: r.revision, at: change.updatedAt.getTime() });
        for (const listener of feed.listeners) listener(change);
      }
    }
    // What fell out of every window cannot come back: forget it.
    for (const [k, seen] of feed.reported) if (seen.at <= oldest) feed.reported.delete(k);
  }
}
