/**
 * A ticket type (or other domain) plugs into the API as a module: its routes, and what of its
 * records refers to shared records, so that deleting a team (say) asks every module first.
 * api/app.ts lists the modules; a new ticket type adds one line there.
 */
import type { Em } from '../../db/orm.js';
import type { z } from 'zod';
import type { FeedSource } from './change-feed.js';
import type { AnyRoute } from './route.js';
import type { Principal } from './context.js';
import type { TicketType } from '../../workflows/kernel/ticket-types.js';

/** Why a shared record cannot go (records of a module refer to it), or null when none does. */
export type InUse = (em: Em, id: string) => Promise<string | null>;

export interface ApiModule {
  name: string;
  routes: AnyRoute[];
  /** Its read model's changes for the live event stream. */
  feed?: FeedSource;
  /** Named response shapes the web app uses (published as OpenAPI components, typed for the UI). */
  contract?: Record<string, z.ZodType>;
  /** Files on this module's tickets: mounted at `/<path>/:key/attachments` (api/kernel/routes/attachments.ts). */
  attachments?: TicketFiles;
  /** Checks per kind of shared record this module's records may refer to. */
  references?: { team?: InUse };
}

/** How a ticket type's files are reached: its tickets by key and by workflow id, as the reader may see them. */
export interface TicketFiles {
  /** The path segment of the type's tickets, e.g. `incidents`. */
  path: string;
  type: TicketType;
  /** The ticket a key names if the principal may read it (404 otherwise), and whether it takes new files. */
  ticket(em: Em, principal: Principal, key: string): Promise<{ workflowId: string; open: boolean }>;
  /** Whether the principal may read the ticket with this workflow id. */
  readable(em: Em, principal: Principal, workflowId: string): Promise<boolean>;
}

/** What refers to shared records, across every module. */
export class RecordReferences {
  constructor(private readonly modules: readonly ApiModule[]) {}

  /** The first module's reason a team cannot be deleted, or null. */
  async teamInUse(em: Em, teamId: string): Promise<string | null> {
    for (const m of this.modules) {
      const reason = await m.references?.team?.(em, teamId);
      if (reason) return reason;
    }
    return null;
  }
}
