/**
 * Replays JSON workflow histories against a workflow bundle and prints one JSON line per history
 * (`{file, ok, error?}`). Run as a plain Node process by test/workflows/replay.test.ts: the SDK's
 * JSON history converter (protobufjs) fails inside Jest's module realms ("type must be a Type").
 *
 *   node dist/test/support/replay-histories.js <bundle.js> <history.json>…
 */
import { Worker } from '@temporalio/worker';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename } from 'node:path';

// The SDK's historyFromJSON takes protobufjs from @temporalio/common, a second copy beside the one
// @temporalio/proto's types belong to, so its instanceof checks fail ("type must be a Type"). The
// same conversion with the copy that belongs to the types works.
const fromProto = createRequire(createRequire(import.meta.url).resolve('@temporalio/proto'));
const { fromJson } = fromProto('protobufjs/ext/protojson') as {
  fromJson(type: unknown, json: unknown, options: { ignoreUnknownFields: boolean }): unknown;
};
const { patchProtobufRoot } = fromProto('@temporalio/proto/lib/patch-protobuf-root') as {
  patchProtobufRoot(root: unknown): { lookupType(name: string): unknown };
};
const historyType = patchProtobufRoot(fromProto('@temporalio/proto')).lookupType('temporal.api.history.v1.History');

/** A history as `temporal workflow show --output json` writes it, as the SDK's History object. */
function historyFromJSON(json: unknown): object {
  return fromJson(historyType, json, { ignoreUnknownFields: true }) as object;
}

const [bundle, ...files] = process.argv.slice(2);
if (!bundle || !files.length) {
  console.error('usage: replay-histories <bundle.js> <history.json>…');
  process.exit(2);
}
for (const file of files) {
  const workflowId = basename(file, '.json');
  try {
    const history = historyFromJSON(JSON.parse(readFileSync(file, 'utf8')));
    await Worker.runReplayHistory({ workflowBundle: { codePath: bundle } }, history, workflowId);
    console.log(JSON.stringify({ file: basename(file), ok: true }));
  } catch (err) {
    console.log(JSON.stringify({ file: basename(file), ok: false, error: String((err as Error).stack ?? err) }));
  }
}
