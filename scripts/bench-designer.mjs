// npm run bench:designer: build (with the web app), then measure the designer's chunk and canvas frame times in Debian's
// Chromium
import { build } from './build.mjs';
import { ensureTemporalCli, provisionChromium } from './provision.mjs';

ensureTemporalCli();
process.env.LINTAS_CHROMIUM = provisionChromium();
build();
await import('../dist/scripts/bench-designer.js');
