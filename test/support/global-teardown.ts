import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Redis from 'ioredis';
import type { RowDataPacket } from 'mysql2';
import { createConnection } from 'mysql2/promise';
import { processStartTime } from './child-processes';
import { childrenDir, databaseServer, RUN_ENV, runAgeMs, TEST_REDIS_URL } from './test-run';

const STALE_MS = 6 * 3600 * 1000;

/**
 * Kills any child process of this run that outlived its spec file (the per-file harness should
 * have; a leftover fails the run), then drops this run's databases and Redis keys, and those of
 * runs older than 6 h that were killed.
 */
export default async function globalTeardown(): Promise<void> {
  const run = process.env[RUN_ENV];
  const leftovers = run === undefined ? [] : killLeftoverChildren(run);
  await dropRunData(run);
  if (leftovers.length > 0)
    throw new Error(
      `clientele tests: ${leftovers.length} child process(es) outlived their spec and were killed now: ${leftovers.join('; ')}`,
    );
}

/** SIGKILLs the recorded children still alive, checking first that the pid is still the same process. */
function killLeftoverChildren(run: string): string[] {
  const directory = childrenDir(run);
  const killed: string[] = [];
  for (const pid of existsSync(directory) ? readdirSync(directory) : []) {
    const record = JSON.parse(readFileSync(join(directory, pid), 'utf8')) as {
      spec: string;
      description: string;
      startTime?: string;
    };
    const startTime = processStartTime(Number(pid));
    if (startTime === undefined || startTime !== record.startTime) continue; // gone, or the pid was reused
    process.kill(Number(pid), 'SIGKILL');
    killed.push(`pid ${pid}, ${record.description}, started by ${record.spec}`);
  }
  rmSync(dirname(directory), { recursive: true, force: true });
  return killed;
}

async function dropRunData(run: string | undefined): Promise<void> {
  const mine = (name: string) =>
    (run !== undefined && name.startsWith(`ct_${run}_`)) || (runAgeMs(name) ?? 0) > STALE_MS;

  const { host, port, user, password } = databaseServer();
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
