// npm test: provision the Temporal binaries, build, then run every Jest test against real servers
// (PostgreSQL at TEST_DATABASE_URL, the Temporal dev server and the time-skipping test server) and
// the end-to-end tests against Debian's Chromium.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { build } from './build.mjs';
import { provisionChromium, provisionTemporal } from './provision.mjs';

const { cli, testServer } = provisionTemporal();
const chromium = provisionChromium();
build();
const jest = join(dirname(createRequire(import.meta.url).resolve('jest/package.json')), 'bin', 'jest.js');
const results = join(process.cwd(), 'dist', 'test-results.json');
rmSync(results, { force: true });
const r = spawnSync(
  process.execPath,
  [
    '--experimental-vm-modules',
    '--no-warnings=ExperimentalWarning',
    jest,
    '--json',
    `--outputFile=${results}`,
    ...process.argv.slice(2),
  ],
  {
    stdio: 'inherit',
    env: {
      ...process.env,
      LINTAS_TEMPORAL_CLI: cli,
      LINTAS_TEMPORAL_TEST_SERVER: testServer,
      LINTAS_CHROMIUM: chromium,
      NODE_ENV: 'test',
    },
  },
);
// One plain closing line with the counts, whatever the reporter printed above it.
try {
  const j = JSON.parse(readFileSync(results, 'utf8'));
  const skipped = j.numPendingTests + j.numTodoTests;
  console.log(`tests: ${j.numPassedTests} passed, ${j.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`);
  if (j.numTotalTests === 0) {
    console.error('No test ran.');
    process.exit(1);
  }
} catch (err) {
  console.error(`No Jest results to summarise (${err.message})`);
}
process.exit(r.status ?? 1);
