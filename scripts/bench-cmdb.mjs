// npm run bench:cmdb: build, then time CMDB impact analysis over 100,000 CIs and 500,000 relations
// in PostgreSQL, the in-memory graph against a recursive query (see scripts/bench-cmdb.ts).
import { build } from './build.mjs';

build({ ui: false });
await import('../dist/scripts/bench-cmdb.js');
