/** Production entry point of the Temporal worker process. */
import { NativeConnection } from '@temporalio/worker';
import { openDatabase } from '../db/orm.js';
import { configOrExit } from './config.js';
import { createWorker, workerSettings } from './worker.js';

const config = configOrExit('DATABASE_URL', 'TEMPORAL_ADDRESS');
const orm = await openDatabase({ url: config.DATABASE_URL });
const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
const worker = await createWorker({
  orm,
  connection,
  namespace: config.TEMPORAL_NAMESPACE,
  ...workerSettings(config),
  // The same secret as the API's, which verifies the rating links this worker signs.
  linkSecret: config.JWT_SECRET ?? null,
});
if (!config.JWT_SECRET) console.warn('JWT_SECRET is not set: no rating links will be sent after resolutions');
// The SDK shuts the worker down gracefully on SIGINT/SIGTERM.
await worker.run();
await connection.close();
await orm.close();
