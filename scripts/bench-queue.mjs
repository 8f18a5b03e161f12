// npm run bench:queue: build, then time the console's saved views and search over a million
// incidents in PostgreSQL (see scripts/bench-queue.ts).
import { build } from './build.mjs';

build({ ui: false });
await import('../dist/scripts/bench-queue.js');
