/**
 * npm run gen:contract: writes the web app's types (ui/src/kernel/generated/api-types.ts) from the
 * API's OpenAPI document, built from the route declarations (no server or database is needed:
 * the document is made when the app is). test/api/contract.test.ts checks the committed file
 * against the document a running API serves.
 */
import { writeFileSync } from 'node:fs';
import pino from 'pino';
import { createApp, type AppDeps } from '../api/app.js';
import { CONTRACT_FILE, contractTypesOf } from '../api/kernel/contract-types.js';

// Nothing is called on these while the app is only assembled.
const unused = {} as never;
const { openapi } = createApp({
  orm: unused,
  temporal: unused,
  log: pino({ level: 'silent' }),
  jwtSecret: 'x'.repeat(32),
  mfaKey: 'x'.repeat(32),
  autoCloseAfterMs: 1,
  bcryptCost: 4,
} as unknown as AppDeps);
writeFileSync(CONTRACT_FILE, contractTypesOf(openapi as Parameters<typeof contractTypesOf>[0]));
console.log(`wrote ${CONTRACT_FILE}`);
