/**
 * Once per test run: a fresh, migrated PostgreSQL test database, one Temporal dev server (the real
 * CLI), and the workflow bundle built once for every worker the tests start.
 */
import { bundleWorkflowCode } from '@temporalio/worker';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase } from '../../db/orm.js';
import { WORKFLOWS_PATH } from '../../deploy/worker.js';
import { startDevServer } from '../../deploy/temporal-dev.js';
import { TEST_DATABASE_URL, temporalCli } from './env.js';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

/**
 * A free port below the kernel's ephemeral range (32768+), for a server that must get the same
 * port back after a restart: ports handed out at random to other processes never land there.
 */
export async function stablePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

async function recreateDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = target.pathname.slice(1);
  if (!/^\w+$/.test(name)) throw new Error(`Unexpected test database name '${name}'`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(
      `PostgreSQL is not reachable at ${admin.host} (${(err as Error).message}). Start it or set TEST_DATABASE_URL.`,
    );
  }
  await client.query(`drop database if exists ${name} with (force)`);
  await client.query(`create database ${name}`);
  await client.end();
}

export default async function globalSetup(): Promise<void> {
  const g = globalThis as { __lintasStop?: () => Promise<void> };
  process.env['TEMPORAL_CLI'] = temporalCli();
  const [, bundle, dev] = await Promise.all([
    (async () => {
      await recreateDatabase(TEST_DATABASE_URL);
      const orm = await openDatabase({ url: TEST_DATABASE_URL });
      await orm.close();
    })(),
    bundleWorkflowCode({
      workflowsPath: WORKFLOWS_PATH,
      logger: { log() {}, info() {}, warn() {}, error: console.error, debug() {}, trace() {} } as never,
    }),
    (async () => {
      const port = await freePort();
      return startDevServer({
        dbFile: ':memory:',
        port,
        uiPort: await freePort(),
        namespace: 'default',
        headless: true,
      });
    })(),
  ]);
  const bundlePath = join(process.cwd(), 'dist', 'test', '.workflow-bundle.js');
  await writeFile(bundlePath, bundle.code);
  process.env['LINTAS_TEST_WORKFLOW_BUNDLE'] = bundlePath;
  process.env['LINTAS_TEST_TEMPORAL_ADDRESS'] = dev.address;
  process.env['TEST_DATABASE_URL'] = TEST_DATABASE_URL;
  g.__lintasStop = () => dev.stop();
}
