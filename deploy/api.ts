/** Production entry point of the API process (scale it independently of the worker). */
import { Client, Connection } from '@temporalio/client';
import { API_PREFIX, createApp } from '../api/app.js';
import { openDatabase } from '../db/orm.js';
import { loadConfig } from './config.js';
import { createLogger } from './logger.js';

const config = (() => {
  try {
    const c = loadConfig();
    if (!c.DATABASE_URL || !c.TEMPORAL_ADDRESS || !c.JWT_SECRET) {
      throw new Error(
        'Invalid configuration:\n  DATABASE_URL, TEMPORAL_ADDRESS and JWT_SECRET are required by the API process',
      );
    }
    return c as typeof c & { DATABASE_URL: string; TEMPORAL_ADDRESS: string; JWT_SECRET: string };
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
})();
const log = createLogger(config.LOG_LEVEL);
const orm = await openDatabase({ url: config.DATABASE_URL });
const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
const { app } = createApp({
  orm,
  temporal: new Client({ connection, namespace: config.TEMPORAL_NAMESPACE }),
  log,
  jwtSecret: config.JWT_SECRET,
  jwtTtlMs: config.JWT_TTL,
  bcryptCost: config.BCRYPT_COST,
  bodyLimitBytes: config.BODY_LIMIT,
  autoCloseAfterMs: config.INCIDENT_AUTO_CLOSE_AFTER,
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
