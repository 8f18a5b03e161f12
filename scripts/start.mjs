// npm start: build, then run the whole system on embedded defaults (see deploy/embedded.ts).
import { build } from './build.mjs';
import { ensureTemporalCli } from './provision.mjs';

ensureTemporalCli();
build();
await import('../dist/deploy/embedded.js');
