import type { Client } from '@temporalio/client';
import type { Orm } from '../../db/orm.js';

export interface Readiness {
  ready: boolean;
  checks: { database: 'ok' | string; temporal: 'ok' | string };
}

const within = <T>(p: Promise<T>, ms: number): Promise<T> =>
  Promise.race([
    p,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms).unref()),
  ]);

/** Checks that the database answers and the Temporal frontend is serving. */
export async function readiness(orm: Orm, temporal: Client): Promise<Readiness> {
  const [db, tp] = await Promise.allSettled([
    within(orm.em.fork().execute('select 1'), 2000),
    within(temporal.workflowService.getSystemInfo({}), 2000),
  ]);
  const why = (r: PromiseSettledResult<unknown>) =>
    r.status === 'fulfilled' ? 'ok' : `unavailable: ${(r.reason as Error).message}`;
  const checks = { database: why(db), temporal: why(tp) };
  return { ready: checks.database === 'ok' && checks.temporal === 'ok', checks };
}
