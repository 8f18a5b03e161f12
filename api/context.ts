import type { Context, DefaultState } from 'koa';
import type { Logger } from 'pino';
import type { Em } from '../db/orm.js';
import type { Role } from '../db/entities/index.js';

/** The signed-in principal, taken from a verified token and a live user row. */
export interface Principal {
  userId: string;
  orgId: string;
  orgSlug: string;
  role: Role;
  email: string;
}

/** What every request carries once the middleware chain has run. */
export interface AppState extends DefaultState {
  requestId: string;
  log: Logger;
  /** Set by the auth middleware on protected routes. */
  principal?: Principal;
  /** An EntityManager fork scoped to the principal's organization. */
  em?: Em;
}

export type AppContext = Context & { state: AppState };
