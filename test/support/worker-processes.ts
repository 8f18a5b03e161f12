/** Workers in their own processes (test/support/worker-process.ts), to be killed like crashed machines. */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TEST_DATABASE_URL, devServerAddress, workflowBundlePath } from './env.js';

const WORKER = fileURLToPath(new URL('./worker-process.js', import.meta.url));

export function workerProcesses(taskQueue: string) {
  const children: ChildProcess[] = [];
  return {
    /** Starts a worker process and resolves once it polls its task queue. */
    start(): Promise<ChildProcess> {
      const child = spawn(process.execPath, [WORKER], {
        env: {
          ...process.env,
          DATABASE_URL: TEST_DATABASE_URL,
          TEMPORAL_ADDRESS: devServerAddress(),
          TASK_QUEUE: taskQueue,
          WORKFLOW_BUNDLE: workflowBundlePath(),
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      children.push(child);
      return new Promise((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('WORKER READY')) resolve(child);
        });
        child.once('exit', (code) => reject(new Error(`worker exited early with ${code}`)));
      });
    },
    /** SIGKILL: no shutdown, no goodbye. */
    kill(child: ChildProcess): Promise<void> {
      return new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      });
    },
    killAll(): void {
      for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    },
  };
}
