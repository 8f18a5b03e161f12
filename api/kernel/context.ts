import type { Context, DefaultState } from 'koa';
import type { Logger } from 'pino';
import type { Em } from '../../db/orm.js';
import type { Role } from '../../db/entities/index.js';
import type { Permission } from '../../workflows/kernel/permissions.js';

/** The signed-in principal: a person with a session, or an integration's API key. */
export interface Principal {
  kind: 'user' | 'api_key';
  userId: string;
  orgId: string;
  orgSlug: string;
  role: Role;
  email: string;
  permissions: ReadonlySet<Permission>;
  /** The session behind the access token (people only). */
  sessionId: string | null;
  /** The API key used (integrations only). */
  apiKeyId: string | null;
}

/** What a mutating handler tells the audit log beyond the route's declared action. */
export interface AuditNote {
  targetType?: string;
  targetId?: string;
  before?: unknown;
  after?: unknown;
  /** Further entries the same request made, each with its own action (a batch's changes, one per CI). */
  also?: (Omit<AuditNote, 'also'> & { action: string })[];
}

/** What every request carries once the middleware chain has run. */
export interface AppState extends DefaultState {
  requestId: string;
  log: Logger;
  /** Set by the auth middleware on protected routes. */
  principal?: Principal;
  /** An EntityManager fork scoped to the principal's organization. */
  em?: Em;
  audit?: AuditNote;
}

export type AppContext = Context & { state: AppState };
