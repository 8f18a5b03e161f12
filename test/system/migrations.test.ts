/** Replicas starting at once on an empty database: one migrates, the others wait, none fails. */
import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase } from '../../db/orm.js';
import { MIGRATIONS } from '../../db/migrations/index.js';
import { TEST_DATABASE_URL } from '../support/env.js';

describe('migrations', () => {
  it('are applied exactly once when several processes open an empty database together', async () => {
    const name = `lintas_mig_${randomBytes(4).toString('hex')}`;
    const admin = new URL(TEST_DATABASE_URL);
    admin.pathname = '/postgres';
    const client = new pg.Client({ connectionString: admin.toString() });
    await client.connect();
    await client.query(`create database ${name}`);
    try {
      const url = new URL(TEST_DATABASE_URL);
      url.pathname = `/${name}`;
      const orms = await Promise.all([1, 2, 3].map(() => openDatabase({ url: url.toString(), poolMax: 2 })));
      const rows = await orms[0]!.em
        .fork()
        .execute<{ name: string }[]>('select name from mikro_orm_migrations order by id');
      expect(rows.map((r) => r.name)).toEqual(MIGRATIONS.map((m) => m.name));
      await Promise.all(orms.map((o) => o.close()));
    } finally {
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    }
  });
});
