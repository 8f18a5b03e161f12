// Compiles the TypeScript sources to dist/ with the project's pinned compiler.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

export function build() {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('TypeScript build failed');
    process.exit(r.status ?? 1);
  }
}
