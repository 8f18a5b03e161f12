// npm run bench:sla: build, then hold N incident workflows with live SLA timers (see scripts/bench-sla.ts).
import { build } from './build.mjs';
import { ensureTemporalCli } from './provision.mjs';

ensureTemporalCli();
build({ ui: false });
await import('../dist/scripts/bench-sla.js');
