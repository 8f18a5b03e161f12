/**
 * Generates a migration from the difference between the entities and the snapshot, writes it to
 * db/migrations and appends it to db/migrations/index.ts. Needs DATABASE_URL (a scratch database).
 */
import { MikroORM } from '@mikro-orm/core';
import { readFile, writeFile } from 'node:fs/promises';
import { ormOptions } from '../db/orm.js';

const url = process.env['DATABASE_URL'];
if (!url) {
  console.error('DATABASE_URL must point at a scratch PostgreSQL database');
  process.exit(2);
}
const orm = await MikroORM.init(ormOptions({ url }));
try {
  await orm.migrator.up();
  const initial = process.argv.includes('--initial');
  const result = await orm.migrator.create('db/migrations', false, initial);
  if (!result.fileName) {
    console.log('No changes: no migration created');
  } else {
    const name = result.fileName.replace(/\.ts$/, '');
    const index = 'db/migrations/index.ts';
    const cls = /export class (\w+)/.exec(result.code)?.[1];
    let text = await readFile(index, 'utf8');
    // Imports go after the last import; the entry goes before the closing `];` of the list.
    text = text.replace(/((?:^import .*\n)+)/m, `$1import { ${cls} } from './${name}.js';\n`);
    text = text.replace(/\n\];\s*$/, `\n  { name: '${name}', class: ${cls} },\n];\n`);
    await writeFile(index, text);
    // The audit log's append-only triggers are written by hand (raw SQL) and unknown to the
    // entities; the generator would drop them. Keep them out of every generated migration.
    const path = `db/migrations/${result.fileName}`;
    const code = await readFile(path, 'utf8');
    const kept = code
      .split('\n')
      .filter((line) => !/audit_log_no_change|audit_log_no_truncate|lintas_audit_append_only/.test(line))
      .join('\n');
    if (kept !== code) {
      await writeFile(path, kept);
      console.log('Left the audit-log triggers out of the generated migration');
    }
    console.log(`Created ${path}`);
  }
} finally {
  await orm.close();
}
