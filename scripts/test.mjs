// npm test: provision the Temporal binaries, build, then run every Jest test against real servers
// (PostgreSQL at TEST_DATABASE_URL, the Temporal dev server and the time-skipping test server).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { build } from './build.mjs';
import { provisionTemporal } from './provision.mjs';

const { cli, testServer } = provisionTemporal();
build();
const jest = join(dirname(createRequire(import.meta.url).resolve('jest/package.json')), 'bin', 'jest.js');
const r = spawnSync(
  process.execPath,
  ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning', jest, ...process.argv.slice(2)],
  {
    stdio: 'inherit',
    env: { ...process.env, LINTAS_TEMPORAL_CLI: cli, LINTAS_TEMPORAL_TEST_SERVER: testServer, NODE_ENV: 'test' },
  },
);
process.exit(r.status ?? 1);
