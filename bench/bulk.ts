import { Pool, RowDataPacket } from 'mysql2/promise';
import { BaselineAction, runBaseline } from './baseline';
import { buildWorker, peakRssMb, startWorker } from './bench-worker';
import {
  BENCH_ADMIN,
  BenchApi,
  freshBenchStores,
  median,
  resetBenchStores,
  startBenchApi,
} from './bench-support';
import { seedHosting } from './seed';

/**
 * Bulk suspend, activate and remove of 1,000 customers (2 subscriptions x 5 domains each), end to
 * end from POST to `completed` through the API and a separate worker process, each against the
 * mysql2 baseline (bench/baseline.ts) on the same freshly seeded data.
 */
const DATABASE_URL =
  process.env.BENCH_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/clientele_bench';
const REDIS_PREFIX = 'clientele_bench';
const ADMIN = BENCH_ADMIN;
/** The bulk bench's data: 1,000 customers with 2 subscriptions of 5 domains each. */
export const SHAPE = { customers: 1000, subscriptionsPerCustomer: 2, domainsPerSubscription: 5 };
const JOB_TIMEOUT_MS = 120_000;

export interface BulkFigures {
  ms: number;
  baseline_ms: number;
  ratio: number;
}

export interface BulkBenchResult {
  bulk_suspend: BulkFigures;
  bulk_activate: BulkFigures;
  bulk_remove: BulkFigures;
  worker_peak_rss_mb: number;
  rounds: number;
}

export async function runBulkBench(
  rounds: number,
  log: (line: string) => void,
): Promise<BulkBenchResult> {
  const { config, pool } = await freshBenchStores(DATABASE_URL, REDIS_PREFIX);

  log('building the worker (tsc --noCheck) ...');
  const worker = await startWorker(buildWorker(), {
    DATABASE_URL,
    REDIS_URL: config.redisUrl,
    REDIS_PREFIX,
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
  });
  const { app, api } = await startBenchApi(config);
  try {
    const bench = new Bench(pool, api, config.bulkChunkSize);
    log('warming up ...');
    for (const action of ['suspend', 'activate', 'remove'] as const) {
      await bench.ours(action, 200);
      await bench.baseline(action, 200);
    }
    const times: Record<BaselineAction, { ours: number[]; baseline: number[] }> = {
      suspend: { ours: [], baseline: [] },
      activate: { ours: [], baseline: [] },
      remove: { ours: [], baseline: [] },
    };
    for (let round = 1; round <= rounds; round += 1) {
      for (const action of ['suspend', 'activate', 'remove'] as const) {
        // Alternate which side runs first, so neither always meets a warmer buffer pool.
        const order = round % 2 ? (['ours', 'baseline'] as const) : (['baseline', 'ours'] as const);
        for (const side of order)
          times[action][side].push(await bench[side](action, SHAPE.customers));
        log(
          `round ${round} ${action}: ours ${times[action].ours[round - 1]} ms, baseline ${times[action].baseline[round - 1]} ms`,
        );
      }
    }
    const figures = (action: BaselineAction): BulkFigures => {
      const ms = median(times[action].ours);
      const baselineMs = median(times[action].baseline);
      return { ms, baseline_ms: baselineMs, ratio: Math.round((ms / baselineMs) * 100) / 100 };
    };
    return {
      bulk_suspend: figures('suspend'),
      bulk_activate: figures('activate'),
      bulk_remove: figures('remove'),
      worker_peak_rss_mb: peakRssMb(worker.pid ?? 0),
      rounds,
    };
  } finally {
    worker.kill('SIGTERM');
    await app.close();
    await pool.end();
    await resetBenchStores(DATABASE_URL, config.redisUrl, REDIS_PREFIX);
  }
}

export class Bench {
  private seeds = 0;

  constructor(
    private readonly pool: Pool,
    private readonly api: BenchApi,
    private readonly chunkSize: number,
  ) {}

  /**
   * From just before POST /customers/bulk to the job's `finishedAt`, stamped by the worker in the
   * transaction that completes the job (same host, same clock). The bench polls only every 50 ms
   * to notice completion: polling faster would load the very database being measured.
   */
  async ours(action: BaselineAction, customers: number): Promise<number> {
    const ids = await this.prepare(action, customers);
    const started = Date.now();
    const { jobId } = await this.api.call<{ jobId: number }>(
      'POST',
      '/customers/bulk',
      { action, ids },
      202,
    );
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const job = await this.api.call<{ state: string; succeeded: number; finishedAt: string }>(
        'GET',
        `/jobs/${jobId}?results=false`,
        undefined,
        200,
      );
      if (job.state === 'completed' || job.state === 'failed') {
        if (job.state !== 'completed' || job.succeeded !== customers)
          throw new Error(
            `bulk ${action} ended ${job.state} with ${job.succeeded}/${customers} succeeded: ${await this.outcomesOf(jobId)}`,
          );
        await this.verify(action, ids);
        return Date.parse(job.finishedAt) - started;
      }
      if (Date.now() - started > JOB_TIMEOUT_MS)
        throw new Error(`bulk ${action} did not complete within ${JOB_TIMEOUT_MS} ms`);
    }
  }

  /** How many ids ended with each outcome, and the first error: why a job did not succeed. */
  private async outcomesOf(jobId: number): Promise<string> {
    const { results } = await this.api.call<{
      results: Array<{ outcome: string; error?: string }>;
    }>('GET', `/jobs/${jobId}`, undefined, 200);
    const counts: Record<string, number> = {};
    for (const { outcome } of results) counts[outcome] = (counts[outcome] ?? 0) + 1;
    return `${JSON.stringify(counts)} ${results.find((r) => r.error)?.error ?? ''}`;
  }

  async baseline(action: BaselineAction, customers: number): Promise<number> {
    const ids = await this.prepare(action, customers);
    const started = performance.now();
    await runBaseline(this.pool, action, ids, this.chunkSize);
    const elapsed = Math.round(performance.now() - started);
    await this.verify(action, ids);
    return elapsed;
  }

  /** Empties the data and seeds the customers in the state the action starts from. */
  private async prepare(action: BaselineAction, customers: number): Promise<number[]> {
    const connection = await this.pool.getConnection();
    try {
      await connection.query('SET FOREIGN_KEY_CHECKS = 0');
      // Customers' sessions go, the administrator's (the bench's own token) stays.
      await connection.query('DELETE FROM auth_session WHERE customer_id IS NOT NULL');
      for (const table of ['domain', 'subscription', 'customer', 'outbox_event', 'bulk_job_result'])
        await connection.query(`TRUNCATE TABLE ${table}`);
      // Deleted, not truncated: job ids keep counting, as they do in a real deployment.
      await connection.query('DELETE FROM bulk_job');
      await connection.query('SET FOREIGN_KEY_CHECKS = 1');
    } finally {
      connection.release();
    }
    const sql = async <T>(statement: string, params: unknown[] = []) =>
      (await this.pool.query(statement, params))[0] as T;
    const ids = await seedHosting(sql, { ...SHAPE, customers, tag: `bench${(this.seeds += 1)}` });
    if (action === 'activate') {
      await sql(`UPDATE customer SET status = 'suspended'`);
      await sql(`UPDATE subscription SET status = 'suspended', suspended_reasons = 2`);
      await sql(`UPDATE domain SET status = 'suspended', suspended_reasons = 4`);
    }
    await sql('ANALYZE TABLE customer, subscription, domain');
    return ids;
  }

  /** The change really happened, whole: a timing of work not done would be worthless. */
  private async verify(action: BaselineAction, ids: number[]): Promise<void> {
    const [[row]] = await this.pool.query<RowDataPacket[]>(
      `SELECT (SELECT COUNT(*) FROM customer) AS customers, (SELECT COUNT(*) FROM domain WHERE status = 'suspended') AS suspended_domains,
              (SELECT COUNT(*) FROM domain) AS domains, (SELECT COUNT(*) FROM outbox_event WHERE type <> 'job.completed') AS events`,
    );
    const expected = {
      suspend: {
        customers: ids.length,
        suspended_domains: ids.length * 10,
        domains: ids.length * 10,
        events: ids.length * 13,
      },
      activate: {
        customers: ids.length,
        suspended_domains: 0,
        domains: ids.length * 10,
        events: ids.length * 13,
      },
      remove: { customers: 0, suspended_domains: 0, domains: 0, events: ids.length },
    }[action];
    const actual = {
      customers: Number(row.customers),
      suspended_domains: Number(row.suspended_domains),
      domains: Number(row.domains),
      events: Number(row.events),
    };
    if (JSON.stringify(actual) !== JSON.stringify(expected))
      throw new Error(
        `bulk ${action} left ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`,
      );
  }
}
