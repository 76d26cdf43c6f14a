/** Unit specs live beside the code (src/**\/*.spec.ts); e2e specs under test/ talk to real MariaDB and Redis. */
const transform = { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] };
const common = { testEnvironment: 'node', transform, moduleFileExtensions: ['ts', 'js', 'json'] };

module.exports = {
  testTimeout: 60000,
  projects: [
    { ...common, displayName: 'unit', rootDir: __dirname, testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      // Only when e2e specs run: checks MariaDB, Redis and Chromium, names the run, cleans up after it.
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      // Around each spec file: kills its child processes and closes what it left open.
      setupFilesAfterEnv: ['<rootDir>/test/support/spec-harness.ts'],
    },
  ],
};
