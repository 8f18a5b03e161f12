// npm run bench:requests: build, then time service requests (see scripts/bench-requests.ts).
import { build } from './build.mjs';
import { ensureTemporalCli } from './provision.mjs';

ensureTemporalCli();
build({ ui: false });
await import('../dist/scripts/bench-requests.js');
