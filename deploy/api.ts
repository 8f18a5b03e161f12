/** Production entry point of the API process (scale it independently of the worker). */
import { Client, Connection } from '@temporalio/client';
import { fileURLToPath } from 'node:url';
import { API_PREFIX, createApp } from '../api/app.js';
import { openDatabase } from '../db/orm.js';
import { apiSettings, configOrExit } from './config.js';
import { createLogger } from './logger.js';
import { createSmtpMailer } from './mailer.js';
import { startOutboxSender } from '../api/platform/outbox-sender.js';
import { startReminderSweep } from '../api/cmdb/reminders.js';
import { ensureSearchAttributes } from './search-attributes.js';

const config = configOrExit('DATABASE_URL', 'TEMPORAL_ADDRESS', 'JWT_SECRET');
const log = createLogger(config.LOG_LEVEL);
const orm = await openDatabase({ url: config.DATABASE_URL });
const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
await ensureSearchAttributes(connection, config.TEMPORAL_NAMESPACE, log);
const { app, account } = createApp({
  orm,
  temporal: new Client({ connection, namespace: config.TEMPORAL_NAMESPACE }),
  log,
  jwtSecret: config.JWT_SECRET,
  ...apiSettings(config),
  // The built web app, served from the API's origin.
  uiDir: fileURLToPath(new URL('../../ui/dist', import.meta.url)),
});
// Invitations and password resets go out by SMTP; without it they wait in the outbox table.
const stopSweep = startReminderSweep({
  orm,
  temporal: new Client({ connection, namespace: config.TEMPORAL_NAMESPACE }),
  log,
});
let stopOutbox = async () => {};
if (config.SMTP_URL) {
  const mailer = createSmtpMailer(config.SMTP_URL, config.SMTP_FROM);
  stopOutbox = startOutboxSender({ orm, mailer, open: account.readOutbox, log });
} else {
  log.warn('SMTP_URL is not set: invitation and password-reset e-mails stay in the outbox table');
}
const server = app.listen(config.PORT, config.HOST, () =>
  log.info({ url: `http://${config.HOST}:${config.PORT}${API_PREFIX}` }, 'API listening'),
);
const shutdown = () => {
  server.close(async () => {
    await stopOutbox();
    await stopSweep();
    await connection.close();
    await orm.close();
    process.exit(0);
  });
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
