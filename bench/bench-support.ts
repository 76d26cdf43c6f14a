import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { createConnection, Pool } from 'mysql2/promise';
import { mysqlPool } from './mysql-pool';
import Redis from 'ioredis';
import { AppModule } from '../src/app.module';
import { ensureFirstAdministrator } from '../src/auth/first-administrator';
import { AppConfig } from '../src/config/app-config';
import { loadConfig } from '../src/config/load-config';
import { parseDatabaseUrl } from '../src/database/mikro-orm.options';
import { prepareDatabase } from '../src/database/prepare-database';
import { configureHttpApp } from '../src/http-app';

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
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRole(config), {
    bodyParser: false,
    logger: ['error'],
  });
  configureHttpApp(app, config);
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
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'production',
    PROCESS_ROLE: 'api',
    PORT: '0',
    METRICS_PORT: '0',
    DATABASE_URL: databaseUrl,
    REDIS_PREFIX: redisPrefix,
    ADMIN_USERNAME: BENCH_ADMIN.username,
    ADMIN_PASSWORD: BENCH_ADMIN.password,
    LOG_LEVEL: 'error',
  });
  await resetBenchStores(databaseUrl, config.redisUrl, redisPrefix);
  await prepareDatabase({ url: databaseUrl, poolMax: 2 }, (orm) =>
    ensureFirstAdministrator(orm, BENCH_ADMIN.username, BENCH_ADMIN.password, {
      log: () => undefined,
    }),
  );
  const pool = mysqlPool(databaseUrl, {
    connectionLimit: 4,
    timezone: 'Z',
    supportBigNumbers: true,
  });
  return { config, pool };
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
  const redis = new Redis(redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisPrefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : Math.round((sorted[middle - 1] + sorted[middle]) / 2);
}
