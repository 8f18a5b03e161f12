/**
 * Running tickets stay safe across workflow changes: every history recorded from earlier workflow
 * code (test/workflows/histories/, made by record-histories.ts) replays against today's code
 * without a nondeterminism error.
 */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { workflowBundlePath } from '../support/env.js';

const dir = fileURLToPath(new URL('../../../test/workflows/histories/', import.meta.url));
const replayer = fileURLToPath(new URL('../support/replay-histories.js', import.meta.url));
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();

describe('recorded workflow histories', () => {
  it('each replays against the current workflow code', () => {
    // A missing corpus fails instead of passing empty.
    expect(files.length).toBeGreaterThanOrEqual(4);
    const run = spawnSync(process.execPath, [replayer, workflowBundlePath(), ...files.map((f) => `${dir}${f}`)], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    const results = run.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { file: string; ok: boolean; error?: string });
    expect(run.stderr.includes('Error') ? run.stderr : '').toBe('');
    expect(results.map((r) => r.file)).toEqual(files);
    expect(results.filter((r) => !r.ok)).toEqual([]);
  }, 150_000);
});
