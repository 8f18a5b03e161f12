// Compiles the TypeScript sources to dist/ with the project's pinned compiler, then type-checks
// and builds the web app (ui/ → ui/dist) with vue-tsc and Vite.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
/** A package's own file, found through its package.json (some packages export no bin paths). */
const fileOf = (pkg, file) => join(dirname(require.resolve(`${pkg}/package.json`)), file);

function run(label, args) {
  const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`${label} failed`);
    process.exit(r.status ?? 1);
  }
}

/** `ui: false` skips the web app (the benchmarks do not serve it). */
export function build({ ui = true } = {}) {
  run('TypeScript build', [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json']);
  if (!ui) return;
  run('Web app type check', [fileOf('vue-tsc', 'bin/vue-tsc.js'), '-p', 'ui/tsconfig.json']);
  run('Web app build', [fileOf('vite', 'bin/vite.js'), 'build', 'ui', '--logLevel', 'warn']);
}
