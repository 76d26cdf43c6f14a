import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import Redis from 'ioredis';
import { createConnection } from 'mysql2/promise';
import { CHROMIUM, databaseServer, TEST_REDIS_URL } from './test-run';

const TIMEOUT_MS = 3_000;

const reason = (error: unknown) =>
  (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));

async function mariadb(): Promise<string | undefined> {
  const { host, port, user, password } = databaseServer();
  try {
    const connection = await createConnection({
      host,
      port,
      user,
      password,
      connectTimeout: TIMEOUT_MS,
    });
    await connection.end();
    return undefined;
  } catch (error) {
    return `MariaDB (or MySQL) at ${host}:${port} as ${user}${password ? '' : ' without password'} (${reason(error)}; TEST_DATABASE_URL to point elsewhere): apt-get install mariadb-server, then start it`;
  }
}

async function redis(): Promise<string | undefined> {
  const client = new Redis(TEST_REDIS_URL, {
    lazyConnect: true,
    connectTimeout: TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  // The 'error' event carries the cause (ECONNREFUSED); connect() rejects with "Connection is closed".
  let cause: unknown;
  client.on('error', (error: unknown) => (cause = error));
  try {
    await client.connect();
    await client.ping();
    return undefined;
  } catch (error) {
    return `Redis at ${TEST_REDIS_URL} (${reason(cause ?? error)}; TEST_REDIS_URL to point elsewhere): apt-get install redis-server, then start it`;
  } finally {
    client.disconnect();
  }
}

async function chromium(): Promise<string | undefined> {
  try {
    await access(CHROMIUM, constants.X_OK);
    return undefined;
  } catch {
    return `Chromium at ${CHROMIUM} (CHROMIUM_PATH to point elsewhere): apt-get install chromium`;
  }
}

/** One line per missing prerequisite of the e2e specs, or none. */
export async function missingPrerequisites(): Promise<string[]> {
  const missing = await Promise.all([mariadb(), redis(), chromium()]);
  return missing
    .filter((line): line is string => line !== undefined)
    .map((line) => `clientele tests need ${line}`);
}
