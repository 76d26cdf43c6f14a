/**
 * Unit specs live beside the code (src/**\/*.spec.ts); e2e specs under test/ talk to real MariaDB and
 * Redis. The slow fault-injection specs (SIGKILLs, private Redis and MariaDB restarts, Galera, Sentinel)
 * live under test/faults/ and run with `npm run test:faults`, not with `npm test`.
 */
const { availableParallelism } = require('node:os');

const transform = { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] };
const common = { testEnvironment: 'node', transform, moduleFileExtensions: ['ts', 'js', 'json'] };
const e2e = {
  ...common,
  rootDir: __dirname,
  // Only when e2e specs run: checks MariaDB, Redis and Chromium, names the run, cleans up after it.
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  // Around each spec file: kills its child processes and closes what it left open.
  setupFilesAfterEnv: ['<rootDir>/test/support/spec-harness.ts'],
};

module.exports = {
  testTimeout: 60000,
  // E2e specs spend most of their time waiting on MariaDB, Redis, worker processes and Chromium,
  // and each has its own database and Redis prefix: on 2 cores, 3 workers instead of Jest's
  // default of 1 (cores - 1) keep the CPUs busy. (Jest reads a percentage above 100 as a plain
  // number, hence the arithmetic.) JEST_MAX_WORKERS (or --maxWorkers) overrides it.
  maxWorkers: Number(process.env.JEST_MAX_WORKERS) || Math.ceil(availableParallelism() * 1.5),
  // A worker that ran twenty e2e files holds a large heap: after its 'exit' event it took 1.3 s
  // (measured, main thread busy, no handle open) to tear down, and Jest's default 500 ms then
  // killed it and warned of a leak that was not there. What a spec leaves running (children,
  // applications, browsers, listening servers) is caught per file by test/support/spec-harness.ts.
  workerGracefulExitTimeout: 5000,
  projects: [
    { ...common, displayName: 'unit', rootDir: __dirname, testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    {
      ...e2e,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/faults/'],
    },
    { ...e2e, displayName: 'faults', testMatch: ['<rootDir>/test/faults/**/*.e2e-spec.ts'] },
  ],
};
