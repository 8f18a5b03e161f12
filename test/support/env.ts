/** Test settings, from the environment prepared by scripts/test.mjs and the global setup. */
export const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/lintas_test';

function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the tests with 'npm test', which provisions it`);
  return v;
}

export const temporalCli = () => required('LINTAS_TEMPORAL_CLI');
export const temporalTestServer = () => required('LINTAS_TEMPORAL_TEST_SERVER');
/** Address of the dev server started once by the global setup. */
export const devServerAddress = () => required('LINTAS_TEST_TEMPORAL_ADDRESS');
export const workflowBundlePath = () => required('LINTAS_TEST_WORKFLOW_BUNDLE');
/** Debian's Chromium, found or installed by scripts/test.mjs. */
export const chromiumPath = () => required('LINTAS_CHROMIUM');
