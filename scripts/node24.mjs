#!/usr/bin/env node
// Runs a script under Node 24. The project needs Node >= 24.9 (MikroORM 7, Jest with require(esm));
// when the running Node is older, a pinned Node 24 is taken from the npm registry's
// node-<platform>-<arch> package into the user cache, once, and the script is re-run with it.
// Plain JavaScript on purpose: this file must run on whatever Node the machine has.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const NODE_VERSION = '24.21.0';
const [major, minor] = process.versions.node.split('.').map(Number);
const script = process.argv[2];
if (!script) {
  console.error('usage: node scripts/node24.mjs <script> [args…]');
  process.exit(2);
}

function cachedNode() {
  const pkg = `node-${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}`;
  const dir = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'lintas', `node-${NODE_VERSION}`);
  const bin = join(dir, 'node_modules', pkg, 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  if (!existsSync(bin)) {
    console.error(`Node ${process.versions.node} is too old; fetching Node ${NODE_VERSION} (${pkg}) into ${dir}…`);
    mkdirSync(dir, { recursive: true });
    const r = spawnSync(
      'npm',
      ['install', '--no-save', '--no-package-lock', '--prefix', dir, `${pkg}@${NODE_VERSION}`],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    if (r.status !== 0 || !existsSync(bin)) {
      console.error(`Could not obtain Node ${NODE_VERSION} from the npm registry (${pkg}); install Node 24 and retry.`);
      process.exit(1);
    }
  }
  return bin;
}

const node = major > 24 || (major === 24 && minor >= 9) ? process.execPath : cachedNode();
const child = spawn(node, [script, ...process.argv.slice(3)], { stdio: 'inherit' });
// Ctrl-C reaches the child through the terminal's process group; forward TERM from supervisors.
process.on('SIGTERM', () => child.kill('SIGTERM'));
process.on('SIGINT', () => {});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
