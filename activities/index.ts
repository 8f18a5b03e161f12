/**
 * Activities, built by a factory that receives their dependencies; the worker wires the real ones.
 * The type of this module is what workflows proxy (`import type * as activities`).
 */
import type { Orm } from '../db/orm.js';
import { type PersistIncidentInput, persistIncidentProjection } from './projection.js';

export interface ActivityDeps {
  orm: Orm;
}

export function createActivities({ orm }: ActivityDeps) {
  return {
    /** Stores the incident's read model and timeline event for one revision. */
    async persistIncident(input: PersistIncidentInput): Promise<void> {
      await persistIncidentProjection(orm.em.fork(), input);
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
// Workflows import this module as types only; these declarations give them the activity signatures.
export declare const persistIncident: Activities['persistIncident'];
