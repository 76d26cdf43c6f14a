import { ChildProcess, spawn } from 'node:child_process';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { EntityManager } from '@mikro-orm/mysql';
import { createConnection } from 'mysql2/promise';
import Redis from 'ioredis';
import { AppModule } from '../src/app.module';
import { ensureFirstAdministrator } from '../src/auth/first-administrator';
import { loadConfig } from '../src/config/load-config';
import { parseDatabaseUrl } from '../src/database/mikro-orm.options';
import { prepareDatabase } from '../src/database/prepare-database';
import { configureHttpApp } from '../src/http-app';
import { seedHosting } from './seed';

/**
 * Webhook throughput and commit-to-receipt latency: bulk-suspend 1,000 customers with one
 * subscription of 10 domains each (12,000 events: customer, subscription and domain suspensions)
 * and deliver every event to a consumer on 127.0.0.1 in a separate process. Latency is the
 * consumer's receipt time minus the event's `timestamp` (its createdAt, written just before commit).
 */
export interface WebhookBenchResult {
  events: number;
  per_s: number;
  p50_ms: number;
  p99_ms: number;
}

const CUSTOMERS = 1000;
const DOMAINS_PER_CUSTOMER = 10;
const ADMIN = { username: 'benchadmin', password: 'bench-password-1' };
const DATABASE_URL =
  process.env.BENCH_WEBHOOKS_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/clientele_bench_webhooks';
const REDIS_PREFIX = 'clientele_bench_webhooks';
const TIMEOUT_MS = 180_000;
/** Extra worker processes (PROCESS_ROLE=worker) beside the in-process app, as an operator scales out. */
const EXTRA_WORKERS = Number(process.env.BENCH_WEBHOOK_WORKERS ?? 0);

export async function runWebhookBench(): Promise<WebhookBenchResult> {
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'production',
    PROCESS_ROLE: 'all',
    PORT: '0',
    DATABASE_URL,
    REDIS_PREFIX,
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
    LOG_LEVEL: 'error',
    WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
    SECRET_ENCRYPTION_KEY: 'ab'.repeat(32),
  });
  await resetBenchStores();
  await prepareDatabase({ url: DATABASE_URL, poolMax: 2 }, (orm) =>
    ensureFirstAdministrator(orm, ADMIN.username, ADMIN.password, { log: () => undefined }),
  );

  const receiver = await startReceiver();
  const workers = await Promise.all(Array.from({ length: EXTRA_WORKERS }, () => startWorker()));
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRole(config), {
    bodyParser: false,
    logger: ['error'],
  });
  configureHttpApp(app, config);
  await app.listen(0, '127.0.0.1');
  const api = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}/api/v1`;
  try {
    const token = await login(api);
    await call(api, token, 'POST', '/webhooks', { url: receiver.url, events: ['*'] }, 201);

    const em = app.get(EntityManager).fork();
    const sql = <T>(query: string, params: unknown[] = []) =>
      em.getConnection().execute(query, params) as Promise<T>;
    const ids = await seedHosting(sql, {
      customers: CUSTOMERS,
      subscriptionsPerCustomer: 1,
      domainsPerSubscription: DOMAINS_PER_CUSTOMER,
      tag: 'whb',
    });
    const [{ last }] = await sql<Array<{ last: number | null }>>(
      'SELECT MAX(id) AS last FROM outbox_event',
    );
    const firstEventId = Number(last ?? 0) + 1;

    const bulkStarted = Date.now();
    const job = await call(api, token, 'POST', '/customers/bulk', { action: 'suspend', ids }, 202);
    const jobId = (job as { jobId: number }).jobId;
    const state = await waitForJob(api, token, jobId);
    if (state !== 'completed') throw new Error(`bulk suspend job ${jobId} ended ${state}`);
    const [{ events }] = await sql<Array<{ events: number }>>(
      'SELECT COUNT(*) AS events FROM outbox_event WHERE id >= ?',
      [firstEventId],
    );
    const expected = Number(events);

    const bulkMs = Date.now() - bulkStarted;
    const receipts = await receiver.waitFor(expected);
    const latencies = receipts.map((r) => r.latencyMs).sort((a, b) => a - b);
    // How much of the latency is the relay (commit to queue) rather than the queue and the delivery.
    const relayLags = (
      await sql<Array<{ lag: number }>>(
        'SELECT TIMESTAMPDIFF(MICROSECOND, created_at, dispatched_at) / 1000 AS lag FROM outbox_event WHERE id >= ?',
        [firstEventId],
      )
    )
      .map((row) => Number(row.lag))
      .sort((a, b) => a - b);
    const first = Math.min(...receipts.map((r) => r.receivedAt - r.latencyMs));
    const lastReceipt = Math.max(...receipts.map((r) => r.receivedAt));
    const result = {
      events: receipts.length,
      per_s: Math.round((receipts.length / Math.max(1, lastReceipt - first)) * 1000),
      p50_ms: percentile(latencies, 0.5),
      p99_ms: percentile(latencies, 0.99),
    };
    process.stdout.write(
      `webhooks: ${result.events} events from bulk-suspending ${CUSTOMERS} customers (${DOMAINS_PER_CUSTOMER} domains each) delivered to 127.0.0.1: ` +
        `${result.per_s} events/s, commit-to-receipt p50 ${result.p50_ms} ms, p99 ${result.p99_ms} ms ` +
        `(the bulk job itself took ${bulkMs} ms; last receipt ${lastReceipt - bulkStarted} ms after it started; ` +
        `commit-to-queue p50 ${percentile(relayLags, 0.5)} ms, p99 ${percentile(relayLags, 0.99)} ms)\n`,
    );
    return result;
  } finally {
    await app.close();
    receiver.stop();
    for (const worker of workers) worker.kill();
    await resetBenchStores();
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]);
}

/** Drops the bench's database and Redis keys (before, for clean figures, and after, to leave nothing behind). */
async function resetBenchStores(): Promise<void> {
  const { host, port, user, password, dbName } = parseDatabaseUrl(DATABASE_URL);
  const connection = await createConnection({ host, port, user, password });
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${dbName}\``);
  } finally {
    await connection.end();
  }
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${REDIS_PREFIX}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

async function login(api: string): Promise<string> {
  const body = (await call(api, undefined, 'POST', '/auth/login', ADMIN, 200)) as {
    accessToken: string;
  };
  return body.accessToken;
}

async function call(
  api: string,
  token: string | undefined,
  method: string,
  path: string,
  body: unknown,
  expected: number,
): Promise<unknown> {
  const response = await fetch(`${api}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== expected)
    throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

async function waitForJob(api: string, token: string, jobId: number): Promise<string> {
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    const job = (await call(api, token, 'GET', `/jobs/${jobId}`, undefined, 200)) as {
      state: string;
    };
    if (job.state === 'completed' || job.state === 'failed' || Date.now() > deadline)
      return job.state;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

interface Receipt {
  receivedAt: number;
  latencyMs: number;
}

/**
 * The consumer runs in its own process (as a real one would), answers 204 at once, and keeps the
 * first receipt of every webhook-id.
 */
const RECEIVER_SOURCE = `
const http = require('node:http');
const receipts = new Map();
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const receivedAt = Date.now();
    const id = req.headers['webhook-id'];
    if (!receipts.has(id)) {
      const { timestamp } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      receipts.set(id, { receivedAt, latencyMs: receivedAt - Date.parse(timestamp) });
    }
    res.writeHead(204).end();
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('message', (m) => {
  if (m === 'count') process.send({ count: receipts.size });
  if (m === 'receipts') process.send({ receipts: [...receipts.values()] });
});
process.on('disconnect', () => process.exit(0));
`;

interface RunningReceiver {
  url: string;
  waitFor(count: number): Promise<Receipt[]>;
  stop(): void;
}

async function startReceiver(): Promise<RunningReceiver> {
  const child: ChildProcess = spawn(process.execPath, ['-e', RECEIVER_SOURCE], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ask = <T>(question: string, key: string) =>
    new Promise<T>((resolve) => {
      const listener = (message: Record<string, unknown>) => {
        if (key in message) {
          child.off('message', listener);
          resolve(message[key] as T);
        }
      };
      child.on('message', listener);
      if (question) child.send(question);
    });
  const port = await ask<number>('', 'port');
  return {
    url: `http://127.0.0.1:${port}/hooks/bench`,
    async waitFor(count) {
      const deadline = Date.now() + TIMEOUT_MS;
      while ((await ask<number>('count', 'count')) < count) {
        if (Date.now() > deadline)
          throw new Error(
            `only ${await ask<number>('count', 'count')} of ${count} webhook events arrived within ${TIMEOUT_MS} ms`,
          );
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return ask<Receipt[]>('receipts', 'receipts');
    },
    stop: () => child.kill(),
  };
}

/** A worker process from the same sources, started like `PROCESS_ROLE=worker node dist/main.js`. */
function startWorker(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
    cwd: `${__dirname}/..`,
    env: {
      ...process.env,
      PROCESS_ROLE: 'worker',
      DATABASE_URL,
      REDIS_PREFIX,
      LOG_LEVEL: 'info',
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      SECRET_ENCRYPTION_KEY: 'ab'.repeat(32),
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('worker did not start within 60 s')), 60_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('worker started')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.on('exit', (code) => reject(new Error(`worker exited with ${code}`)));
  });
}

if (require.main === module) {
  runWebhookBench()
    .then((result) => process.stdout.write(`${JSON.stringify({ webhooks: result })}\n`))
    .catch((error: unknown) => {
      process.stderr.write(
        `webhook bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = 1;
    });
}
