/**
 * Names that keep parallel test runs (and Jest workers within a run) apart: each Jest worker gets
 * its own database and Redis prefix, `ct_<run>_<worker>`. The run id starts with a base-36
 * timestamp so the teardown can also clean up what a killed run left behind.
 */
export const RUN_ENV = 'CLIENTELE_TEST_RUN';

export function newRunId(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

export function runId(): string {
  const id = process.env[RUN_ENV];
  if (!id)
    throw new Error(`${RUN_ENV} is not set: run the tests through jest (global setup sets it)`);
  return id;
}

export function workerName(): string {
  return `ct_${runId()}_${process.env.JEST_WORKER_ID ?? '1'}`;
}

export const ROOT_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Age of a run from its id, or undefined for names we did not make. */
export function runAgeMs(name: string): number | undefined {
  const match = /^ct_([0-9a-z]{8,9})[0-9a-z]{4}_/.exec(name);
  return match ? Date.now() - parseInt(match[1], 36) : undefined;
}
