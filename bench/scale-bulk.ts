import { ChildProcess } from 'node:child_process';
import { Pool, RowDataPacket } from 'mysql2/promise';
import { BaselineAction, runBaseline } from './baseline';
import {
  BENCH_SECRET_ENCRYPTION_KEY,
  buildWorker,
  freePort,
  peakRssMb,
  startService,
} from './bench-worker';
import { BENCH_ADMIN, BenchApi, seededBenchStores } from './bench-support';
import { deleteRedisKeys } from '../test/support/redis-keys';

/**
 * Bulk jobs at scale: suspend, activate and remove 10,000 customers of a database already seeded
 * with 100,000 (bench/scale.ts seeds it), each beside the hand-written set-based SQL of
 * bench/baseline.ts over another 10,000 customers of the same database, in the same run.
 *
 * Ours is the app as production runs it: one compiled process with `PROCESS_ROLE=all` (API,
 * bulk worker, outbox relay and the pacing count on one event loop; no webhook endpoints), started
 * once for the three jobs. Its time runs from POST /customers/bulk to the job's `finishedAt`; the
 * relay works beside the job as it does in production (`relayed_ms`: until the last of the job's
 * events is relayed too). The baseline writes the same events, counted on both sides (`events`),
 * as already relayed: the relay running beside it would otherwise work on them while it is timed
 * (which made the baseline look slower than it is), and relaying is the app's work, not the SQL's.
 *
 * Ours and the baseline take two disjoint blocks of active customers (the first and the next
 * 10,000 by id), so neither finds the other's rows in the buffer pool; which side goes first
 * alternates from action to action. Between runs the bench waits until every event is relayed.
 * The removal leaves both blocks removed: run it last.
 */
export interface ScaleBulkFigures {
  ms: number;
  baseline_ms: number;
  ratio: number;
  /** Until every event of our job was relayed (beside the job, in the same process). */
  relayed_ms: number;
  /** Events each side wrote for the job (the same count: the baseline writes the same events). */
  events: number;
  baseline_events: number;
}

export interface ScaleBulkResult {
  customers: number;
  /** How ours ran: one process for API, worker and relay. */
  process_role: 'all';
  suspend: ScaleBulkFigures;
  activate: ScaleBulkFigures;
  remove: ScaleBulkFigures;
  /** Peak resident set size of the `PROCESS_ROLE=all` process over the three jobs (VmHWM). */
  peak_rss_mb: number;
}

export interface ScaleBulkOptions {
  databaseUrl: string;
  redisUrl?: string;
  /** Redis prefix of the bench's queues; its keys are removed before and after. */
  redisPrefix?: string;
  /** Customers per action and side (default 10,000). */
  customers?: number;
  /** Node options of our process (`--cpu-prof` for a profile). */
  nodeArgs?: string[];
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
  const port = await freePort();
  const app = await startService(
    buildWorker(),
    {
      PROCESS_ROLE: 'all',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      REDIS_URL: config.redisUrl,
      REDIS_PREFIX: redisPrefix,
      ADMIN_USERNAME: BENCH_ADMIN.username,
      ADMIN_PASSWORD: BENCH_ADMIN.password,
      SECRET_ENCRYPTION_KEY: BENCH_SECRET_ENCRYPTION_KEY,
    },
    'listening on',
    options.nodeArgs,
  );
  try {
    const api = new BenchApi(`http://127.0.0.1:${port}/api/v1`);
    await api.login();
    await settle(pool);
    const [ours, baseline] = await pickBlocks(pool, count);
    log(
      `bulk at scale (PROCESS_ROLE=all): ours on customers ${ours[0]}..${ours[ours.length - 1]}, baseline on ${baseline[0]}..${baseline[baseline.length - 1]}`,
    );
    const figures = {} as Record<BaselineAction, ScaleBulkFigures>;
    for (const [index, action] of ACTIONS.entries()) {
      const runs: { ours?: OurRun; baseline?: BaselineRun } = {};
      const sides = {
        ours: async () => {
          runs.ours = await runOurs(api, pool, action, ours);
        },
        baseline: async () => {
          runs.baseline = await runTheBaseline(pool, action, baseline, config.bulkChunkSize);
        },
      };
      const order =
        index % 2 === 0 ? (['ours', 'baseline'] as const) : (['baseline', 'ours'] as const);
      for (const side of order) {
        await sides[side]();
        await settle(pool);
      }
      if (!runs.ours || !runs.baseline) throw new Error(`bulk ${action}: a side did not run`);
      figures[action] = {
        ms: runs.ours.ms,
        baseline_ms: runs.baseline.ms,
        ratio: Math.round((runs.ours.ms / runs.baseline.ms) * 100) / 100,
        relayed_ms: runs.ours.relayedMs,
        events: await eventsOf(pool, runs.ours.jobId),
        baseline_events: await eventsOf(pool, runs.baseline.jobId),
      };
      const f = figures[action];
      log(
        `bulk ${action} of ${count}: ours ${f.ms} ms (all relayed at ${f.relayed_ms} ms), baseline ${f.baseline_ms} ms, ratio ${f.ratio.toFixed(2)}; events ${f.events} / ${f.baseline_events}`,
      );
    }
    return {
      customers: count,
      process_role: 'all',
      suspend: figures.suspend,
      activate: figures.activate,
      remove: figures.remove,
      peak_rss_mb: peakRssMb(app.pid ?? 0),
    };
  } finally {
    await stop(app);
    await pool.end();
    await deleteRedisKeys(config.redisUrl, redisPrefix);
  }
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) =>
    child.exitCode !== null ? resolve(null) : child.once('exit', resolve),
  );
  child.kill('SIGTERM');
  await exited;
}

const undispatched = async (pool: Pool): Promise<number> => {
  const [[row]] = await pool.query<RowDataPacket[]>(
    'SELECT COUNT(*) AS n FROM outbox_event WHERE dispatched_at IS NULL',
  );
  return Number(row.n);
};

/** Waits until every event is relayed, so that no side's timing includes relaying the other's. Not timed. */
async function settle(pool: Pool): Promise<void> {
  const deadline = Date.now() + 300_000;
  for (;;) {
    const left = await undispatched(pool);
    if (left === 0) return;
    if (Date.now() > deadline) throw new Error(`${left} events still not relayed after 300 s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function eventsOf(pool: Pool, jobId: number): Promise<number> {
  const [[row]] = await pool.query<RowDataPacket[]>(
    'SELECT COUNT(*) AS n FROM outbox_event WHERE job_id = ?',
    [jobId],
  );
  return Number(row.n);
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

interface OurRun {
  jobId: number;
  ms: number;
  relayedMs: number;
}

interface BaselineRun {
  jobId: number;
  ms: number;
}

/**
 * From just before POST /customers/bulk to the job's `finishedAt` (stamped by the worker), and
 * to the moment nothing is left unrelayed (the only events then are this job's).
 */
async function runOurs(
  api: BenchApi,
  pool: Pool,
  action: BaselineAction,
  ids: number[],
): Promise<OurRun> {
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
      while ((await undispatched(pool)) > 0)
        await new Promise((resolve) => setTimeout(resolve, 100));
      const relayedMs = Date.now() - started;
      await verify(pool, action, ids);
      return { jobId, ms: Date.parse(job.finishedAt) - started, relayedMs };
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
): Promise<BaselineRun> {
  const started = performance.now();
  const jobId = await runBaseline(pool, action, ids, chunkSize, { relayed: true });
  const ms = Math.round(performance.now() - started);
  await verify(pool, action, ids);
  return { jobId, ms };
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
