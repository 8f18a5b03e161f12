// Jest runs the compiled ESM tests in dist/ (scripts/test.mjs builds first) with
// --experimental-vm-modules: MikroORM 7 is ESM-only, and no transform is needed this way.
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/dist/test'],
  testMatch: ['**/*.test.js'],
  transform: {},
  globalSetup: '<rootDir>/dist/test/support/global-setup.js',
  globalTeardown: '<rootDir>/dist/test/support/global-teardown.js',
  setupFiles: ['<rootDir>/dist/test/support/setup-runtime.js'],
  testTimeout: 60_000,
  // The Temporal native runtime keeps a handle open after teardown (sdk-typescript#928).
  forceExit: true,
  maxWorkers: 2,
  verbose: true,
};
