/** Production entry point of the Temporal worker process. */
import { NativeConnection } from '@temporalio/worker';
import { openDatabase } from '../db/orm.js';
import { loadConfig } from './config.js';
import { createWorker } from './worker.js';

const config = (() => {
  try {
    const c = loadConfig();
    if (!c.DATABASE_URL || !c.TEMPORAL_ADDRESS) {
      throw new Error('Invalid configuration:\n  DATABASE_URL and TEMPORAL_ADDRESS are required by the worker process');
    }
    return c as typeof c & { DATABASE_URL: string; TEMPORAL_ADDRESS: string };
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
})();
const orm = await openDatabase({ url: config.DATABASE_URL });
const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
const worker = await createWorker({ orm, connection, namespace: config.TEMPORAL_NAMESPACE });
// The SDK shuts the worker down gracefully on SIGINT/SIGTERM.
await worker.run();
await connection.close();
await orm.close();
