// npm run bench:ui: build (with the web app), then measure the console's first load in Debian's
// Chromium and the bundle sizes; `-- --screenshots docs/screenshots` also refreshes the README's
// screenshots (see scripts/bench-ui.ts).
import { build } from './build.mjs';
import { ensureTemporalCli, provisionChromium } from './provision.mjs';

ensureTemporalCli();
process.env.LINTAS_CHROMIUM = provisionChromium();
build();
await import('../dist/scripts/bench-ui.js');
