import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import Redis from 'ioredis';
import { createPool, Pool, RowDataPacket } from 'mysql2/promise';
import { ensureFirstAdministrator } from '../src/auth/first-administrator';
import { loadConfig } from '../src/config/load-config';
import { parseDatabaseUrl } from '../src/database/mikro-orm.options';
import { prepareDatabase } from '../src/database/prepare-database';
import { buildWorker, peakRssMb, startWorker } from './bench-worker';
import { bareHttpEventsPerSecond } from './bare-http-baseline';
import { BENCH_ADMIN, BenchApi, median, resetBenchStores, startBenchApi } from './bench-support';
import { CommitObserver } from './commit-observer';
import { seedHosting } from './seed';

/**
 * Webhook throughput and commit-to-receipt latency, in the production shape: the API in this
 * process, one worker process (compiled, `PROCESS_ROLE=worker`, default settings), and a consumer
 * in a process of its own on 127.0.0.1 that answers 204 at once. A round bulk-suspends 1,000 fresh
 * customers with one subscription of 10 domains each (12,001 events: customer, subscription and
 * domain suspensions, and the job's `job.completed`) and waits until every event has arrived.
 *
 * Latency is receipt minus commit. The commit time of an event is taken from a CommitObserver, a
 * separate connection that polls for new outbox rows; it counts from the start of the poll before
 * the one that first saw the row, so it is never later than the commit and latency is never
 * under-reported. Latency from the event's `timestamp` (written at the start of its transaction) is
 * printed beside it. One unmeasured warm-up round of the same size comes first (connections,
 * JIT, buffer pool), then BENCH_WEBHOOK_ROUNDS rounds (default 5); the medians count. Last, the
 * bare HTTP baseline sends the first round's bodies again (median of 3), for the machine's speed.
 */
export interface WebhookBenchResult {
  events: number;
  per_s: number;
  p50_ms: number;
  p99_ms: number;
  rounds: number;
  /** Bare HTTP (bench/bare-http-baseline.ts): the same bodies to the same consumer, nothing else. */
  baseline_per_s: number;
  /** p99 over the events of all rounds together (p99_ms is the median of the rounds' p99). */
  p99_all_rounds_ms: number;
  /** p99 counted from the event's write (its `timestamp`) rather than its commit. */
  p99_from_write_ms: number;
  worker_peak_rss_mb: number;
  /** The same rounds with a dead endpoint (a closed port) subscribed beside the healthy one. */
  beside_dead_p99_ms: number;
  /** beside_dead_p99_ms over p99_ms: the healthy endpoint should not notice (<= 1.2). */
  beside_dead_p99_ratio: number;
  /** Redis used_memory growth over the dead-endpoint rounds (shared Redis: other users add noise). */
  beside_dead_redis_growth_mb: number;
}

interface RoundFigures {
  events: number;
  perS: number;
  p50: number;
  p99: number;
  p50FromWrite: number;
  p99FromWrite: number;
  commitToQueueP99: number;
  firstEventId: number;
  bulkMs: number;
  /** Every event's commit-to-receipt latency, for the p99 over all rounds. */
  latencies: number[];
}

const CUSTOMERS = 1000;
const WARM_UP_CUSTOMERS = 1000;
const DOMAINS_PER_CUSTOMER = 10;
const ADMIN = BENCH_ADMIN;
const DATABASE_URL =
  process.env.BENCH_WEBHOOKS_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/clientele_bench_webhooks';
const REDIS_PREFIX = 'clientele_bench_webhooks';
const TIMEOUT_MS = 180_000;
const SECRET_ENCRYPTION_KEY = 'ab'.repeat(32);

export async function runWebhookBench(
  log: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<WebhookBenchResult> {
  const rounds = Number(process.env.BENCH_WEBHOOK_ROUNDS ?? 5);
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'production',
    PROCESS_ROLE: 'api',
    PORT: '0',
    METRICS_PORT: '0', // metrics off here; bench/metrics-overhead.ts measures what they cost
    DATABASE_URL,
    REDIS_PREFIX,
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
    LOG_LEVEL: 'error',
    WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
    SECRET_ENCRYPTION_KEY,
  });
  await resetBenchStores(DATABASE_URL, config.redisUrl, REDIS_PREFIX);
  await prepareDatabase({ url: DATABASE_URL, poolMax: 2 }, (orm) =>
    ensureFirstAdministrator(orm, ADMIN.username, ADMIN.password, { log: () => undefined }),
  );
  const { host, port, user, password, dbName } = parseDatabaseUrl(DATABASE_URL);
  const connection = { host, port, user, password, database: dbName, timezone: 'Z' };
  const pool = createPool({ ...connection, connectionLimit: 2, supportBigNumbers: true });
  const observer = await CommitObserver.start(connection);

  const receiver = await startReceiver();
  const worker = await startWorker(buildWorker(), {
    DATABASE_URL,
    REDIS_URL: config.redisUrl,
    REDIS_PREFIX,
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
    WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
    SECRET_ENCRYPTION_KEY,
  });
  const { app, api } = await startBenchApi(config);
  try {
    await api.call('POST', '/webhooks', { url: receiver.url, events: ['*'] }, 201);
    const round = (tag: string, customers: number) =>
      runRound({ pool, api, receiver, observer }, tag, customers);

    await round('warm', WARM_UP_CUSTOMERS);
    const figures: RoundFigures[] = [];
    for (let r = 1; r <= rounds; r += 1) {
      const f = await round(`whb${r}`, CUSTOMERS);
      figures.push(f);
      log(
        `round ${r}: ${f.events} events in ${f.bulkMs} ms of bulk job, ${f.perS} events/s; ` +
          `commit to receipt p50 ${f.p50} ms, p99 ${f.p99} ms; from write p50 ${f.p50FromWrite} ms, p99 ${f.p99FromWrite} ms; ` +
          `commit to queue p99 ${f.commitToQueueP99} ms`,
      );
    }
    // The same rounds again beside a dead endpoint that wants every event: its deliveries pile up
    // in MySQL, and the healthy endpoint's latency should not move.
    const redis = new Redis(config.redisUrl);
    const usedMemory = async () =>
      Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1] ?? NaN);
    const memoryBefore = await usedMemory();
    await api.call('POST', '/webhooks', { url: await deadUrl(), events: ['*'] }, 201);
    const beside: RoundFigures[] = [];
    for (let r = 1; r <= rounds; r += 1) {
      const f = await round(`whd${r}`, CUSTOMERS);
      beside.push(f);
      log(
        `round ${r} beside a dead endpoint: ${f.perS} events/s; commit to receipt p99 ${f.p99} ms`,
      );
    }
    const memoryGrowthMb = (await usedMemory()) - memoryBefore;
    redis.disconnect();
    const baselines: number[] = [];
    for (let r = 1; r <= 3; r += 1)
      baselines.push(await bareHttpEventsPerSecond(pool, receiver.url, figures[0].firstEventId));
    const baselinePerS = median(baselines);
    log(
      `bare HTTP baseline (same bodies, same consumer, one plain process): ${baselinePerS} events/s`,
    );
    const middle = (pick: (f: RoundFigures) => number) => median(figures.map(pick));
    return {
      events: figures[0].events,
      per_s: middle((f) => f.perS),
      p50_ms: middle((f) => f.p50),
      p99_ms: middle((f) => f.p99),
      rounds,
      baseline_per_s: baselinePerS,
      p99_all_rounds_ms: percentile(
        figures.flatMap((f) => f.latencies).sort((a, b) => a - b),
        0.99,
      ),
      p99_from_write_ms: middle((f) => f.p99FromWrite),
      worker_peak_rss_mb: peakRssMb(worker.pid ?? 0),
      beside_dead_p99_ms: median(beside.map((f) => f.p99)),
      beside_dead_p99_ratio: Number(
        (median(beside.map((f) => f.p99)) / middle((f) => f.p99)).toFixed(2),
      ),
      beside_dead_redis_growth_mb: Number((memoryGrowthMb / 1024 / 1024).toFixed(2)),
    };
  } finally {
    worker.kill('SIGTERM');
    await app.close();
    receiver.stop();
    await observer.stop();
    await pool.end();
    await resetBenchStores(DATABASE_URL, config.redisUrl, REDIS_PREFIX);
  }
}

interface RoundContext {
  pool: Pool;
  api: BenchApi;
  receiver: RunningReceiver;
  observer: CommitObserver;
}

async function runRound(
  { pool, api, receiver, observer }: RoundContext,
  tag: string,
  customers: number,
): Promise<RoundFigures> {
  const sql = async <T>(query: string, params: unknown[] = []) =>
    (await pool.query<RowDataPacket[]>(query, params))[0] as T;
  const ids = await seedHosting(sql, {
    customers,
    subscriptionsPerCustomer: 1,
    domainsPerSubscription: DOMAINS_PER_CUSTOMER,
    tag,
  });
  const [{ last }] = await sql<Array<{ last: number | null }>>(
    'SELECT MAX(id) AS last FROM outbox_event',
  );
  const firstEventId = Number(last ?? 0) + 1;

  const bulkStarted = Date.now();
  const { jobId } = (await api.call(
    'POST',
    '/customers/bulk',
    { action: 'suspend', ids },
    202,
  )) as {
    jobId: number;
  };
  const state = await waitForJob(api, jobId);
  if (state !== 'completed') throw new Error(`bulk suspend job ${jobId} ended ${state}`);
  const bulkMs = Date.now() - bulkStarted;
  const events = await sql<Array<{ id: string; dispatched: string | null }>>(
    `SELECT CAST(id AS CHAR) AS id, DATE_FORMAT(dispatched_at, '%Y-%m-%dT%H:%i:%s.%fZ') AS dispatched
       FROM outbox_event WHERE id >= ? ORDER BY id`,
    [firstEventId],
  );
  const receipts = await receiver.waitFor(
    events.map((e) => e.id),
    TIMEOUT_MS,
  );

  const fromCommit: number[] = [];
  const fromWrite: number[] = [];
  const commitToQueue: number[] = [];
  for (const event of events) {
    const committedBy = observer.committedBy(event.id);
    const receipt = receipts.get(event.id);
    if (committedBy === undefined || !receipt)
      throw new Error(`event ${event.id}: no commit time or no receipt`);
    fromCommit.push(receipt.receivedAt - committedBy);
    fromWrite.push(receipt.receivedAt - receipt.writtenAt);
    if (event.dispatched) commitToQueue.push(Date.parse(event.dispatched) - committedBy);
  }
  const firstCommit = Math.min(...events.map((e) => observer.committedBy(e.id) ?? Infinity));
  const lastReceipt = Math.max(...[...receipts.values()].map((r) => r.receivedAt));
  const sorted = (values: number[]) => values.sort((a, b) => a - b);
  return {
    events: events.length,
    perS: Math.round((events.length / Math.max(1, lastReceipt - firstCommit)) * 1000),
    p50: percentile(sorted(fromCommit), 0.5),
    p99: percentile(sorted(fromCommit), 0.99),
    p50FromWrite: percentile(sorted(fromWrite), 0.5),
    p99FromWrite: percentile(sorted(fromWrite), 0.99),
    commitToQueueP99: percentile(sorted(commitToQueue), 0.99),
    bulkMs,
    firstEventId,
    latencies: fromCommit,
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]);
}

async function waitForJob(api: BenchApi, jobId: number): Promise<string> {
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    const job = await api.call<{ state: string }>(
      'GET',
      `/jobs/${jobId}?results=false`,
      undefined,
      200,
    );
    if (job.state === 'completed' || job.state === 'failed' || Date.now() > deadline)
      return job.state;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface Receipt {
  receivedAt: number;
  /** The event's `timestamp`: when its transaction wrote it. */
  writtenAt: number;
}

/**
 * The consumer runs in its own process (as a real one would), answers 204 at once, and keeps the
 * first receipt of every webhook-id.
 */
const RECEIVER_SOURCE = `
const http = require('node:http');
const receipts = new Map();
let expected = new Set();
let arrived = 0;
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const receivedAt = Date.now();
    const id = req.headers['webhook-id'];
    if (!receipts.has(id)) {
      const { timestamp } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      receipts.set(id, [receivedAt, Date.parse(timestamp)]);
      if (expected.has(id)) arrived += 1;
    }
    res.writeHead(204).end();
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('message', (m) => {
  if (m.expect) {
    expected = new Set(m.expect);
    arrived = m.expect.filter((id) => receipts.has(id)).length;
    process.send({ expecting: expected.size });
  }
  if (m.count) process.send({ count: arrived });
  if (m.receipts) process.send({ receipts: [...expected].map((id) => [id, ...receipts.get(id)]) });
});
process.on('disconnect', () => process.exit(0));
`;

interface RunningReceiver {
  url: string;
  /** Waits until every id has arrived; returns their receipts by id. */
  waitFor(ids: string[], timeoutMs: number): Promise<Map<string, Receipt>>;
  stop(): void;
}

async function startReceiver(): Promise<RunningReceiver> {
  const child: ChildProcess = spawn(process.execPath, ['-e', RECEIVER_SOURCE], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ask = <T>(question: object | null, key: string) =>
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
  const port = await ask<number>(null, 'port');
  return {
    url: `http://127.0.0.1:${port}/hooks/bench`,
    async waitFor(ids, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      await ask<number>({ expect: ids }, 'expecting');
      for (;;) {
        const arrived = await ask<number>({ count: true }, 'count');
        if (arrived === ids.length) break;
        if (Date.now() > deadline)
          throw new Error(
            `only ${arrived} of ${ids.length} webhook events arrived within ${timeoutMs} ms`,
          );
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const rows = await ask<Array<[string, number, number]>>({ receipts: true }, 'receipts');
      return new Map(rows.map(([id, receivedAt, writtenAt]) => [id, { receivedAt, writtenAt }]));
    },
    stop: () => child.kill(),
  };
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

/** A URL on 127.0.0.1 that nobody listens on: connections are refused at once. */
async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/dead`;
}
