import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';

/**
 * Names that keep parallel test runs, and the spec files within a run, apart: each spec FILE gets
 * its own database and Redis prefix, `ct_<run>_<file>`, so nothing a file left behind (a process
 * that outlived it, a queued job) can ever touch a later file's data or queues. The run id starts
 * with a base-36 timestamp so the teardown can also clean up what a killed run left behind.
 */
export const RUN_ENV = 'CLIENTELE_TEST_RUN';

const ROOT = join(__dirname, '..', '..');

export function newRunId(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

export function runId(): string {
  const id = process.env[RUN_ENV];
  if (!id)
    throw new Error(`${RUN_ENV} is not set: run the tests through jest (global setup sets it)`);
  return id;
}

/** The spec file running now, relative to the project (`test/bulk.e2e-spec.ts`). */
export function specPath(): string {
  const path = expect.getState().testPath;
  if (!path) throw new Error('no spec file is running: call this from a test, hook or its helpers');
  return relative(ROOT, path);
}

/**
 * `ct_<run>_<file name>_<hash of its path>`: readable in `SHOW DATABASES`, unique per file, and
 * short enough for MySQL's 64-character names with a suffix such as `_migrations_race`.
 */
export function specName(): string {
  const path = specPath();
  const file = basename(path)
    .replace(/\.(e2e-)?spec\.ts$/, '')
    .replace(/[^a-z0-9]+/gi, '_')
    .slice(0, 24);
  const hash = createHash('sha1').update(path).digest('hex').slice(0, 4);
  return `ct_${runId()}_${file}_${hash}`.toLowerCase();
}

/** Before names were per file they were per Jest worker; specs written then keep working. */
export const workerName = specName;

/**
 * Where each child process a spec starts is recorded while it runs (one file per pid), so the
 * global teardown can find and kill any that outlived its spec.
 */
export function childrenDir(run = runId()): string {
  return join(tmpdir(), `clientele-test-${run}`, 'children');
}

export const ROOT_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306';
/**
 * Host, port and credentials of TEST_DATABASE_URL. Parsed here rather than with the app's
 * parseDatabaseUrl: global setup must not load MikroORM or the entities, whose decorators would
 * leave metadata on the global object that Jest then copies into every spec's context.
 */
export function databaseServer() {
  const url = new URL(ROOT_DATABASE_URL);
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : 3306,
    user: decodeURIComponent(url.username) || 'root',
    password: decodeURIComponent(url.password),
  };
}

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Age of a run from its id, or undefined for names we did not make. */
export function runAgeMs(name: string): number | undefined {
  const match = /^ct_([0-9a-z]{8,9})[0-9a-z]{4}_/.exec(name);
  return match ? Date.now() - parseInt(match[1], 36) : undefined;
}
