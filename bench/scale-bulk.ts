import { Pool, RowDataPacket } from 'mysql2/promise';
import { BaselineAction, runBaseline } from './baseline';
import { buildWorker, peakRssMb, startWorker } from './bench-worker';
import { BENCH_ADMIN, BenchApi, seededBenchStores, startBenchApi } from './bench-support';
import { deleteRedisKeys } from '../test/support/redis-keys';

/**
 * Bulk jobs at scale: suspend, activate and remove 10,000 customers of a database already seeded
 * with 100,000 (bench/scale.ts seeds it), through the API and a real worker process
 * (`PROCESS_ROLE=worker`, compiled, default settings), each beside the hand-written set-based SQL
 * of bench/baseline.ts over another 10,000 customers of the same database, in the same run.
 *
 * Ours and the baseline take two disjoint blocks of active customers (the first and the next
 * 10,000 by id), so neither finds the other's rows in the buffer pool; which side goes first
 * alternates from action to action. The worker relays events (to no endpoint) as it does in
 * production, its own during its job; between runs the bench waits until it has relayed every
 * event, the baseline's too. The removal leaves both blocks removed: run it last.
 */
export interface ScaleBulkFigures {
  ms: number;
  baseline_ms: number;
  ratio: number;
}

export interface ScaleBulkResult {
  customers: number;
  suspend: ScaleBulkFigures;
  activate: ScaleBulkFigures;
  remove: ScaleBulkFigures;
  /** The worker's peak resident set size over the three jobs (VmHWM). */
  worker_peak_rss_mb: number;
}

export interface ScaleBulkOptions {
  databaseUrl: string;
  redisUrl?: string;
  /** Redis prefix of the bench's queues; its keys are removed before and after. */
  redisPrefix?: string;
  /** Customers per action and side (default 10,000). */
  customers?: number;
  log?: (line: string) => void;
}

const JOB_TIMEOUT_MS = 600_000;
const ACTIONS: BaselineAction[] = ['suspend', 'activate', 'remove'];

export async function runScaleBulkBench(options: ScaleBulkOptions): Promise<ScaleBulkResult> {
  const { databaseUrl } = options;
  const count = options.customers ?? 10_000;
  const log = options.log ?? (() => undefined);
  const redisPrefix = options.redisPrefix ?? 'clientele_scale_bulk';
  // The database keeps its seed; only the bench's Redis keys go.
  const { config, pool } = await seededBenchStores(databaseUrl, redisPrefix, options.redisUrl);
  const worker = await startWorker(buildWorker(), {
    DATABASE_URL: databaseUrl,
    REDIS_URL: config.redisUrl,
    REDIS_PREFIX: redisPrefix,
    ADMIN_USERNAME: BENCH_ADMIN.username,
    ADMIN_PASSWORD: BENCH_ADMIN.password,
  });
  const { app, api } = await startBenchApi(config);
  try {
    await settle(pool);
    const [ours, baseline] = await pickBlocks(pool, count);
    log(
      `bulk at scale: ours on customers ${ours[0]}..${ours[ours.length - 1]}, baseline on ${baseline[0]}..${baseline[baseline.length - 1]}`,
    );
    const figures = {} as Record<BaselineAction, ScaleBulkFigures>;
    for (const [index, action] of ACTIONS.entries()) {
      const sides = {
        ours: () => runOurs(api, pool, action, ours),
        baseline: () => runTheBaseline(pool, action, baseline, config.bulkChunkSize),
      };
      const order =
        index % 2 === 0 ? (['ours', 'baseline'] as const) : (['baseline', 'ours'] as const);
      const ms = { ours: 0, baseline: 0 };
      for (const side of order) {
        ms[side] = await sides[side]();
        await settle(pool);
      }
      figures[action] = {
        ms: ms.ours,
        baseline_ms: ms.baseline,
        ratio: Math.round((ms.ours / ms.baseline) * 100) / 100,
      };
      log(
        `bulk ${action} of ${count}: ours ${ms.ours} ms, baseline ${ms.baseline} ms, ratio ${figures[action].ratio.toFixed(2)}`,
      );
    }
    return {
      customers: count,
      suspend: figures.suspend,
      activate: figures.activate,
      remove: figures.remove,
      worker_peak_rss_mb: peakRssMb(worker.pid ?? 0),
    };
  } finally {
    worker.kill('SIGTERM');
    await new Promise((resolve) =>
      worker.exitCode !== null ? resolve(null) : worker.once('exit', resolve),
    );
    await app.close();
    await pool.end();
    await deleteRedisKeys(config.redisUrl, redisPrefix);
  }
}

/**
 * Waits until the worker has relayed every event (its sweep takes the baseline's too), so that no
 * side's timing includes relaying the other side's events. Not timed.
 */
async function settle(pool: Pool): Promise<void> {
  const deadline = Date.now() + 300_000;
  for (;;) {
    const [[row]] = await pool.query<RowDataPacket[]>(
      'SELECT COUNT(*) AS n FROM outbox_event WHERE dispatched_at IS NULL',
    );
    if (Number(row.n) === 0) return;
    if (Date.now() > deadline) throw new Error(`${row.n} events still not relayed after 300 s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Two disjoint blocks of `count` active customers, ascending ids. */
async function pickBlocks(pool: Pool, count: number): Promise<[number[], number[]]> {
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT id FROM customer WHERE status = 'active' ORDER BY id LIMIT ${2 * count}`,
  );
  if (rows.length < 2 * count)
    throw new Error(`the bulk bench needs ${2 * count} active customers, found ${rows.length}`);
  const ids = rows.map((row) => Number(row.id));
  return [ids.slice(0, count), ids.slice(count)];
}

/** From just before POST /customers/bulk to the job's `finishedAt` (stamped by the worker). */
async function runOurs(
  api: BenchApi,
  pool: Pool,
  action: BaselineAction,
  ids: number[],
): Promise<number> {
  const started = Date.now();
  const { jobId } = await api.call<{ jobId: number }>(
    'POST',
    '/customers/bulk',
    { action, ids },
    202,
  );
  for (;;) {
    // Rare polls: the bench should not load the database it measures.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const job = await api.call<{ state: string; succeeded: number; finishedAt: string }>(
      'GET',
      `/jobs/${jobId}?results=false`,
      undefined,
      200,
    );
    if (job.state === 'completed' || job.state === 'failed') {
      if (job.state !== 'completed' || job.succeeded !== ids.length)
        throw new Error(
          `bulk ${action} ended ${job.state} with ${job.succeeded}/${ids.length} succeeded`,
        );
      await verify(pool, action, ids);
      return Date.parse(job.finishedAt) - started;
    }
    if (Date.now() - started > JOB_TIMEOUT_MS)
      throw new Error(`bulk ${action} did not complete within ${JOB_TIMEOUT_MS} ms`);
  }
}

async function runTheBaseline(
  pool: Pool,
  action: BaselineAction,
  ids: number[],
  chunkSize: number,
): Promise<number> {
  const started = performance.now();
  await runBaseline(pool, action, ids, chunkSize);
  const elapsed = Math.round(performance.now() - started);
  await verify(pool, action, ids);
  return elapsed;
}

/** The change really happened, whole: a timing of work not done would be worthless. */
async function verify(pool: Pool, action: BaselineAction, ids: number[]): Promise<void> {
  const [[row]] = await pool.query<RowDataPacket[]>(
    `SELECT (SELECT COUNT(*) FROM customer WHERE id IN (?)) AS customers,
            (SELECT COUNT(*) FROM customer WHERE id IN (?) AND status = 'suspended') AS suspended,
            (SELECT COUNT(*) FROM domain WHERE customer_id IN (?) AND status = 'active') AS active_domains`,
    [ids, ids, ids],
  );
  const ok =
    action === 'remove'
      ? Number(row.customers) === 0
      : action === 'suspend'
        ? Number(row.suspended) === ids.length && Number(row.active_domains) === 0
        : Number(row.suspended) === 0;
  if (!ok) throw new Error(`bulk ${action} left ${JSON.stringify(row)}`);
}
