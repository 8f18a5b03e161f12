// A worker in its own process, so a test can kill it with SIGKILL like a crashed machine.
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities/index.js';
import { WORKER_TUNING } from '../../deploy/worker.js';
import { openDatabase } from '../../db/orm.js';

const env = (name: string) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
};

Runtime.install({ logger: new DefaultLogger('WARN') });
const orm = await openDatabase({ url: env('DATABASE_URL'), poolMax: 3 });
const connection = await NativeConnection.connect({ address: env('TEMPORAL_ADDRESS') });
const worker = await Worker.create({
  connection,
  taskQueue: env('TASK_QUEUE'),
  workflowBundle: { codePath: env('WORKFLOW_BUNDLE') },
  ...WORKER_TUNING,
  activities: createActivities({ orm }),
});
console.log('WORKER READY');
await worker.run();
