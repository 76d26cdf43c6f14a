import Redis from 'ioredis';
import type { RowDataPacket } from 'mysql2';
import { createConnection } from 'mysql2/promise';
import { parseDatabaseUrl } from '../../src/database/mikro-orm.options';
import { ROOT_DATABASE_URL, RUN_ENV, runAgeMs, TEST_REDIS_URL } from './test-run';

const STALE_MS = 6 * 3600 * 1000;

/** Drops this run's databases and Redis keys, and those of runs older than 6 h that were killed. */
export default async function globalTeardown(): Promise<void> {
  const run = process.env[RUN_ENV];
  const mine = (name: string) =>
    (run !== undefined && name.startsWith(`ct_${run}_`)) || (runAgeMs(name) ?? 0) > STALE_MS;

  const { host, port, user, password } = parseDatabaseUrl(`${ROOT_DATABASE_URL}/x`);
  const connection = await createConnection({ host, port, user, password });
  try {
    const [rows] = await connection.query<Array<{ name: string } & RowDataPacket>>(
      "SELECT schema_name AS name FROM information_schema.schemata WHERE schema_name LIKE 'ct\\_%'",
    );
    for (const { name } of rows)
      if (mine(name)) await connection.query(`DROP DATABASE \`${name}\``);
  } finally {
    await connection.end();
  }

  const redis = new Redis(TEST_REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', 'ct_*', 'COUNT', 1000);
      cursor = next;
      const doomed = keys.filter((key) => mine(key.split(':')[0]));
      if (doomed.length > 0) await redis.del(...doomed);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
