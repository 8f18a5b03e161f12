import { MikroORM, type Options } from '@mikro-orm/core';
import type { AbstractSqlDriver, SqlEntityManager } from '@mikro-orm/sql';
import pg from 'pg';
import { Migrator } from '@mikro-orm/migrations';
import { PgliteDriver } from '@mikro-orm/pglite';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { ENTITIES, TENANT_ENTITIES } from './entities/index.js';
import { MIGRATIONS } from './migrations/index.js';

export const TENANT_FILTER = 'tenant';

/** Advisory-lock key that serialises migrations across processes (any fixed 64-bit number). */
const MIGRATION_LOCK = 7_325_118_401;

/** Both drivers we use (PostgreSQL, PGlite) are SQL drivers. */
export type Orm = MikroORM<AbstractSqlDriver, SqlEntityManager>;
export type Em = SqlEntityManager;

/** An EntityManager fork scoped to one organization (the tenant filter's parameter set). */
export function orgEm(orm: Orm, orgId: string): Em {
  const em = orm.em.fork();
  em.setFilterParams(TENANT_FILTER, { orgId });
  return em;
}

export interface DatabaseTarget {
  /** A postgres:// URL, or undefined for the embedded PGlite database in `pgliteDir`. */
  url?: string | undefined;
  pgliteDir?: string | undefined;
  poolMax?: number;
}

/** ORM options for a target; shared by the runtime and the migration generator. */
export function ormOptions(target: DatabaseTarget): Partial<Options> {
  const common: Partial<Options> = {
    entities: ENTITIES,
    extensions: [Migrator],
    // The tenant filter is on for every query of a tenant-owned entity and fails closed: a query
    // without an organization throws instead of returning every tenant's rows.
    filters: {
      [TENANT_FILTER]: {
        name: TENANT_FILTER,
        cond: (args: Record<string, unknown>) => ({ organization: args['orgId'] }),
        entity: TENANT_ENTITIES,
        default: true,
      },
    },
    migrations: {
      tableName: 'mikro_orm_migrations',
      path: 'db/migrations',
      emit: 'ts',
      migrationsList: MIGRATIONS,
      snapshot: true,
      snapshotName: '.snapshot-lintas',
    },
    allowGlobalContext: false,
    debug: false,
  };
  if (target.url) {
    return { ...common, driver: PostgreSqlDriver, clientUrl: target.url, pool: { min: 0, max: target.poolMax ?? 10 } };
  }
  return { ...common, driver: PgliteDriver, dbName: target.pgliteDir ?? 'memory://' };
}

/** Connects and applies pending migrations. */
export async function openDatabase(target: DatabaseTarget): Promise<Orm> {
  const orm = (await MikroORM.init(ormOptions(target))) as unknown as Orm;
  if (target.url) {
    // API and worker replicas start together: one of them migrates, the others wait for it.
    const lock = new pg.Client({ connectionString: target.url });
    await lock.connect();
    try {
      await lock.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
      await orm.migrator.up();
    } finally {
      await lock.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
      await lock.end();
    }
  } else {
    await orm.migrator.up();
  }
  return orm;
}
