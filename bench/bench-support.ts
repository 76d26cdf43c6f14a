import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createConnection, Pool } from 'mysql2/promise';
import { BENCH_SECRET_ENCRYPTION_KEY } from './bench-worker';
import { mysqlPool } from './mysql-pool';
import { AppModule } from '../src/app.module';
import { ensureFirstAdministrator } from '../src/auth/first-administrator';
import { AppConfig } from '../src/config/app-config';
import { loadConfig } from '../src/config/load-config';
import { parseDatabaseUrl } from '../src/database/mikro-orm.options';
import { prepareDatabase } from '../src/database/prepare-database';
import { configureHttpApp, createHttpAdapter } from '../src/http-app';
import { deleteRedisKeys } from '../test/support/redis-keys';

/** The bench's administrator (bench databases are its own and dropped after the run). */
export const BENCH_ADMIN = { username: 'benchadmin', password: 'bench-password-1' };

/** The service's API as the bench calls it: an administrator's bearer token, JSON in and out. */
export class BenchApi {
  private token = '';

  constructor(private readonly base: string) {}

  async login(): Promise<void> {
    this.token = (
      await this.call<{ accessToken: string }>('POST', '/auth/login', BENCH_ADMIN, 200)
    ).accessToken;
  }

  async call<T>(method: string, path: string, body: unknown, expected: number): Promise<T> {
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status !== expected)
      throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 500)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

/** The service's API (PROCESS_ROLE from `config`) in this process on a free port, and the bench's administrator logged in. */
export async function startBenchApi(
  config: AppConfig,
): Promise<{ app: INestApplication; api: BenchApi }> {
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRole(config),
    createHttpAdapter(config),
    { bodyParser: false, logger: ['error'] },
  );
  await configureHttpApp(app, config);
  await app.listen(0, '127.0.0.1');
  const api = new BenchApi(
    `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}/api/v1`,
  );
  try {
    await api.login();
  } catch (error) {
    await app.close();
    throw error;
  }
  return { app, api };
}

/**
 * A bench's own stores, fresh: its database dropped, created and migrated with the bench's
 * administrator, its Redis keys gone. Returns the config of the bench's in-process API (metrics
 * off: bench/metrics-overhead.ts measures what they cost) and a mysql2 pool for seeding and checks.
 */
export async function freshBenchStores(
  databaseUrl: string,
  redisPrefix: string,
): Promise<{ config: AppConfig; pool: Pool }> {
  const config = benchApiConfig(databaseUrl, redisPrefix);
  await resetBenchStores(databaseUrl, config.redisUrl, redisPrefix);
  await ensureBenchAdministrator(databaseUrl);
  return { config, pool: benchPool(databaseUrl) };
}

/**
 * A bench's stores over a database seeded already (bench/scale.ts seeds it): its Redis keys gone,
 * the database kept and only given the bench's administrator if it is missing. Returns what
 * freshBenchStores does; `redisUrl` overrides REDIS_URL of the environment.
 */
export async function seededBenchStores(
  databaseUrl: string,
  redisPrefix: string,
  redisUrl?: string,
): Promise<{ config: AppConfig; pool: Pool }> {
  const config = benchApiConfig(databaseUrl, redisPrefix, redisUrl);
  await deleteRedisKeys(config.redisUrl, redisPrefix);
  await ensureBenchAdministrator(databaseUrl);
  return { config, pool: benchPool(databaseUrl) };
}

/** The config of a bench's in-process API: production mode, errors-only logs, metrics off. */
function benchApiConfig(databaseUrl: string, redisPrefix: string, redisUrl?: string): AppConfig {
  return loadConfig({
    ...process.env,
    NODE_ENV: 'production',
    SECRET_ENCRYPTION_KEY: BENCH_SECRET_ENCRYPTION_KEY,
    PROCESS_ROLE: 'api',
    PORT: '0',
    METRICS_PORT: '0',
    DATABASE_URL: databaseUrl,
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
    REDIS_PREFIX: redisPrefix,
    ADMIN_USERNAME: BENCH_ADMIN.username,
    ADMIN_PASSWORD: BENCH_ADMIN.password,
    LOG_LEVEL: 'error',
  });
}

/** Creates and migrates the bench database where needed and adds the bench's administrator if missing. */
export async function ensureBenchAdministrator(databaseUrl: string): Promise<void> {
  await prepareDatabase({ url: databaseUrl, poolMax: 2 }, (orm) =>
    ensureFirstAdministrator(orm, BENCH_ADMIN.username, BENCH_ADMIN.password, {
      log: () => undefined,
    }),
  );
}

/** The mysql2 pool a bench seeds and checks with. */
function benchPool(databaseUrl: string): Pool {
  return mysqlPool(databaseUrl, {
    connectionLimit: 4,
    timezone: 'Z',
    supportBigNumbers: true,
  });
}

/** Drops a bench database and its Redis keys: before a run for clean figures, after it to leave nothing behind. */
export async function resetBenchStores(
  databaseUrl: string,
  redisUrl: string,
  redisPrefix: string,
): Promise<void> {
  const { host, port, user, password, dbName } = parseDatabaseUrl(databaseUrl);
  const connection = await createConnection({ host, port, user, password });
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${dbName}\``);
  } finally {
    await connection.end();
  }
  await deleteRedisKeys(redisUrl, redisPrefix);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : Math.round((sorted[middle - 1] + sorted[middle]) / 2);
}
