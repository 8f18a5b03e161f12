// npm run bench:create: build, then time sequential incident creation (see scripts/bench-create.ts).
import { build } from './build.mjs';
import { ensureTemporalCli } from './provision.mjs';

ensureTemporalCli();
build({ ui: false });
await import('../dist/scripts/bench-create.js');
