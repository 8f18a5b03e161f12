/**
 * `npm start`: the whole system in one process on embedded defaults. PGlite under ./data unless
 * DATABASE_URL is set, a Temporal dev server (SQLite under ./data) unless TEMPORAL_ADDRESS is set,
 * migrations, the demo seed, the worker and the API. Ctrl-C shuts everything down in order.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import { API_PREFIX, createApp } from '../api/app.js';
import { openDatabase } from '../db/orm.js';
import { apiSettings, configOrExit } from './config.js';
import { createLogger } from './logger.js';
import { seedDemo } from './seed.js';
import { ensureSearchAttributes } from './search-attributes.js';
import { startDevServer, type DevServer } from './temporal-dev.js';
import { fileURLToPath } from 'node:url';
import { createWorker, workerSettings } from './worker.js';
import { createTerminalMailer } from './mailer.js';
import { startOutboxSender } from '../api/platform/outbox-sender.js';
import { startReminderSweep } from '../api/cmdb/reminders.js';

async function jwtSecretFor(dataDir: string, fromEnv: string | undefined): Promise<string> {
  if (fromEnv) return fromEnv;
  // Embedded mode keeps a generated secret beside the data so tokens survive a restart.
  const file = join(dataDir, 'jwt-secret');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const secret = randomBytes(48).toString('base64url');
    await writeFile(file, secret, { mode: 0o600 });
    return secret;
  }
}

async function main(): Promise<void> {
  const config = configOrExit();
  const log = createLogger(config.LOG_LEVEL);
  const dataDir = resolve(config.DATA_DIR);
  await mkdir(dataDir, { recursive: true });
  const stops: (() => Promise<unknown>)[] = [];
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: shutting down…`);
    for (const stop of stops.reverse()) {
      await stop().catch((err: unknown) => log.error({ err }, 'shutdown step failed'));
    }
    console.log('Stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  const orm = await openDatabase({ url: config.DATABASE_URL, pgliteDir: join(dataDir, 'pglite') });
  stops.push(() => orm.close());
  const dbLabel = config.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${join(dataDir, 'pglite')}`;

  let dev: DevServer | null = null;
  let address = config.TEMPORAL_ADDRESS;
  if (!address) {
    dev = await startDevServer({
      dbFile: join(dataDir, 'temporal.db'),
      port: config.TEMPORAL_PORT,
      uiPort: config.TEMPORAL_UI_PORT,
      namespace: config.TEMPORAL_NAMESPACE,
    });
    stops.push(() => dev!.stop());
    address = dev.address;
  }

  const seeded = await seedDemo(orm, config.BCRYPT_COST);

  const jwtSecret = await jwtSecretFor(dataDir, config.JWT_SECRET);
  const nativeConnection = await NativeConnection.connect({ address });
  stops.push(() => nativeConnection.close());
  const settings = workerSettings(config);
  // Without SMTP every e-mail is printed here instead (notifications and rating links too).
  const mailer = settings.mailer ?? createTerminalMailer();
  const worker = await createWorker({
    orm,
    connection: nativeConnection,
    namespace: config.TEMPORAL_NAMESPACE,
    ...settings,
    mailer,
    linkSecret: jwtSecret,
  });
  const running = worker.run();
  stops.push(async () => {
    // The SDK already starts draining the worker on SIGINT/SIGTERM; only ask if it has not.
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running;
  });

  const connection = await Connection.connect({ address });
  stops.push(() => connection.close());
  // The embedded dev server registers it at start; an external cluster may not have it yet.
  if (!dev) await ensureSearchAttributes(connection, config.TEMPORAL_NAMESPACE, log);
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const { app, account } = createApp({
    orm,
    temporal,
    log,
    jwtSecret,
    ...apiSettings(config),
    uiDir: fileURLToPath(new URL('../../ui/dist', import.meta.url)),
    // The terminal is for the start banner and printed e-mail: one line per request only on demand.
    requestLogLevel: 'debug',
  });
  // Invitations and password resets: by SMTP when configured, else printed here (development).
  stops.push(
    startOutboxSender({
      orm,
      mailer,
      open: account.readOutbox,
      log,
    }),
  );
  // CIs whose reminder workflow missed a change (Temporal was down) are brought up to date.
  stops.push(startReminderSweep({ orm, temporal, log }));
  const server: Server = await new Promise((ok) => {
    const s = app.listen(config.PORT, config.HOST, () => ok(s));
  });
  stops.push(() => new Promise((ok) => server.close(ok)));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.PORT;
  const base = `http://${config.HOST}:${port}`;

  const lines = [
    '',
    'Lintas is running.',
    `  Web app:      ${base}/`,
    `  API:          ${base}${API_PREFIX}`,
    `  OpenAPI:      ${base}${API_PREFIX}/openapi.json`,
    `  Health:       ${base}/healthz  ${base}/readyz`,
    `  Temporal:     ${address}${dev?.uiUrl ? `  (Web UI ${dev.uiUrl})` : ''}`,
    `  Database:     ${dbLabel}`,
  ];
  if (seeded) {
    lines.push('', 'Demo organization "demo" created. These passwords are shown only this once:');
    for (const u of seeded) lines.push(`  ${u.role.padEnd(10)} ${u.email.padEnd(30)} ${u.password}`);
  } else {
    lines.push('', 'Demo organization "demo" already exists (passwords were printed at its first start).');
  }
  lines.push('', 'Press Ctrl-C to stop.', '');
  console.log(lines.join('\n'));
  await running;
}

main().catch((err: unknown) => {
  console.error('Start failed:', err);
  process.exit(1);
});
