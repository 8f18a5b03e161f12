/** Production entry point of the API process (scale it independently of the worker). */
import { Client, Connection } from '@temporalio/client';
import { fileURLToPath } from 'node:url';
import { API_PREFIX, createApp } from '../api/app.js';
import { openDatabase } from '../db/orm.js';
import { apiSettings, configOrExit } from './config.js';
import { createLogger } from './logger.js';
import { ensureSearchAttributes } from './search-attributes.js';

const config = configOrExit('DATABASE_URL', 'TEMPORAL_ADDRESS', 'JWT_SECRET');
const log = createLogger(config.LOG_LEVEL);
const orm = await openDatabase({ url: config.DATABASE_URL });
const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
await ensureSearchAttributes(connection, config.TEMPORAL_NAMESPACE, log);
const { app } = createApp({
  orm,
  temporal: new Client({ connection, namespace: config.TEMPORAL_NAMESPACE }),
  log,
  jwtSecret: config.JWT_SECRET,
  ...apiSettings(config),
  // The built web app, served from the API's origin.
  uiDir: fileURLToPath(new URL('../../ui/dist', import.meta.url)),
});
const server = app.listen(config.PORT, config.HOST, () =>
  log.info({ url: `http://${config.HOST}:${config.PORT}${API_PREFIX}` }, 'API listening'),
);
const shutdown = () => {
  server.close(async () => {
    await connection.close();
    await orm.close();
    process.exit(0);
  });
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
