/** Builds a Temporal worker for the ticket task queue with the real activities wired in. */
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import { createActivities } from '../activities/index.js';
import type { Mailer } from '../activities/kernel/notify.js';
import type { Orm } from '../db/orm.js';
import { apiSettings, type Config } from './config.js';
import { createSmtpMailer } from './mailer.js';
import { TASK_QUEUE } from '../workflows/runtime/contract.js';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.js', import.meta.url));

/**
 * Worker options every ticket worker uses. A ticket's next task first goes to the worker that ran
 * its last one; if that worker died, Temporal hands the task to another only after this timeout.
 * The SDK's 10 s is longer than the API waits for a command to be taken (api/kernel/temporal-calls.ts),
 * so a crashed worker would turn every command to its tickets into "not applied" for 10 s.
 */
export const WORKER_TUNING = { stickyQueueScheduleToStartTimeout: '2s' } as const;

export interface WorkerDeps {
  orm: Orm;
  connection: NativeConnection;
  namespace: string;
  /** A prebuilt bundle (tests build it once); otherwise the workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  taskQueue?: string;
  mailer?: Mailer | null;
  publicUrl?: string;
  /** Signs rating links; the API verifies them with the same secret (its JWT secret). */
  linkSecret?: string | null;
}

/** What the worker's activities take from the configuration: outgoing e-mail and link base. */
export function workerSettings(config: Config): Pick<WorkerDeps, 'mailer' | 'publicUrl'> {
  return {
    mailer: config.SMTP_URL ? createSmtpMailer(config.SMTP_URL, config.SMTP_FROM) : null,
    publicUrl: apiSettings(config).publicUrl,
  };
}

export async function createWorker(deps: WorkerDeps): Promise<Worker> {
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: deps.taskQueue ?? TASK_QUEUE,
    ...WORKER_TUNING,
    ...(deps.workflowBundle ? { workflowBundle: deps.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    activities: createActivities({
      orm: deps.orm,
      mailer: deps.mailer ?? null,
      ...(deps.publicUrl ? { publicUrl: deps.publicUrl } : {}),
      linkSecret: deps.linkSecret ?? null,
    }),
  });
}
