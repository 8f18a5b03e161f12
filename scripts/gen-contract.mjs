// npm run gen:contract: build, then write the web app's types from the OpenAPI document (scripts/gen-contract.ts).
import { build } from './build.mjs';

build({ ui: false });
await import('../dist/scripts/gen-contract.js');
