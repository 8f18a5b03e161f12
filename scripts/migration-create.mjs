// npm run migration:create: build, then generate a migration from the entity changes (see
// scripts/migration-create.ts). Needs DATABASE_URL pointing at a scratch PostgreSQL database.
import { build } from './build.mjs';

build({ ui: false });
await import('../dist/scripts/migration-create.js');
