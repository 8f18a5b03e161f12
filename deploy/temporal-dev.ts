/**
 * Runs a Temporal dev server for the embedded start: the `temporal` CLI if one can be found,
 * otherwise the SDK's own download of it.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Connection } from '@temporalio/client';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ORG_SEARCH_ATTRIBUTE } from '../workflows/runtime/contract.js';

export interface DevServer {
  address: string;
  uiUrl: string | null;
  /** The server's process id, when it runs as a child of ours (for memory figures). */
  pid: number | null;
  stop(): Promise<void>;
}

/** Finds a `temporal` binary: $TEMPORAL_CLI (set by scripts/provision.mjs) or PATH. */
export function findTemporalCli(): string | null {
  const candidates = [
    process.env['TEMPORAL_CLI'],
    ...(process.env['PATH'] ?? '').split(delimiter).map((d) => join(d, 'temporal')),
  ];
  return candidates.find((c): c is string => !!c && existsSync(c)) ?? null;
}

async function waitForFrontend(address: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`temporal dev server exited with code ${child.exitCode}`);
    try {
      const c = await Connection.connect({ address, connectTimeout: 1000 });
      await c.workflowService.getSystemInfo({});
      await c.close();
      return;
    } catch (err) {
      if (Date.now() > deadline)
        throw new Error(`temporal dev server did not answer at ${address}: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}

/** Search attributes every ticket workflow carries (DESIGN rule 8: the organization). */
const SEARCH_ATTRIBUTE_ARGS = ['--search-attribute', `${ORG_SEARCH_ATTRIBUTE.name}=Keyword`];

export async function startDevServer(opts: {
  dbFile: string;
  port: number;
  uiPort: number;
  namespace: string;
  headless?: boolean;
  /** Extra `temporal server start-dev` flags, e.g. dynamic config. */
  extraArgs?: string[];
}): Promise<DevServer> {
  const cli = findTemporalCli();
  const address = `127.0.0.1:${opts.port}`;
  if (cli) {
    const child = spawn(
      cli,
      [
        'server',
        'start-dev',
        '--ip',
        '127.0.0.1',
        '--port',
        String(opts.port),
        '--ui-port',
        String(opts.uiPort),
        // The Web UI has no sign-in and shows every payload: this machine only.
        '--ui-ip',
        '127.0.0.1',
        ...(opts.dbFile === ':memory:' ? [] : ['--db-filename', opts.dbFile]),
        ...(opts.headless ? ['--headless'] : []),
        ...SEARCH_ATTRIBUTE_ARGS,
        ...(opts.extraArgs ?? []),
        '--namespace',
        opts.namespace,
        '--log-level',
        'error',
        '--sqlite-pragma',
        'journal_mode=WAL',
        '--sqlite-pragma',
        'synchronous=NORMAL',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    // Keep the tail of the server's output: it is the only clue when it fails to start.
    let tail = '';
    const keep = (d: Buffer) => {
      tail = (tail + d.toString()).slice(-4000);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    try {
      await waitForFrontend(address, child, 60_000);
    } catch (err) {
      child.kill('SIGKILL');
      throw new Error(`${(err as Error).message}\n--- temporal server output ---\n${tail}`);
    }
    return {
      address,
      uiUrl: opts.headless ? null : `http://127.0.0.1:${opts.uiPort}`,
      pid: child.pid ?? null,
      stop: async () => {
        if (child.exitCode !== null) return;
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      },
    };
  }
  // No CLI on this machine: let the SDK download and run the same dev server.
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      ip: '127.0.0.1',
      port: opts.port,
      ui: !opts.headless,
      uiPort: opts.uiPort,
      namespace: opts.namespace,
      ...(opts.dbFile === ':memory:' ? {} : { dbFilename: opts.dbFile }),
      extraArgs: [...SEARCH_ATTRIBUTE_ARGS, ...(opts.extraArgs ?? [])],
    },
  });
  return { address, uiUrl: `http://127.0.0.1:${opts.uiPort}`, pid: null, stop: () => env.teardown() };
}
