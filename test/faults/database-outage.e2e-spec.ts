import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { BULK_QUEUE, JobPayloads, RUN_BULK_JOB } from '../../src/queues';
import { bullConnection } from '../../src/redis/redis.module';
import { bearer, loginAdmin, startTestApp, TestApp } from '../support/app';
import { eventually } from '../support/browser';
import { cascadeState, postBulk, seedCustomers, waitForJob } from '../support/bulk-jobs';
import { freePort } from '../support/private-redis';
import { PrivateMariaDb, startPrivateMariaDb } from '../support/private-mariadb';
import { WebhookReceiver } from '../support/webhook-receiver';
import { killAllWorkers, startWorkerProcess, WorkerProcess } from '../support/worker-process';

const CUSTOMERS = 1500;
const CHUNK = 20;
/** Longer than the outage measured on Galera (about 50 s), in which a job spent all 5 attempts in 32 s. */
const OUTAGE_MS = 60_000;

interface Readiness {
  status: number;
  body: { details?: Record<string, { status: string; message?: string }> };
}

async function readiness(url: string): Promise<Readiness> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    return { status: response.status, body: (await response.json()) as Readiness['body'] };
  } catch {
    return { status: 0, body: {} };
  }
}

describe('a database outage in the middle of a bulk job', () => {
  let mariadb: PrivateMariaDb | undefined;
  let test: TestApp | undefined;
  let worker: WorkerProcess;
  let workerReady: string;
  let queue: Queue<JobPayloads[typeof RUN_BULK_JOB]> | undefined;
  let receiver: WebhookReceiver | undefined;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    mariadb = await startPrivateMariaDb();
    test = await startTestApp({
      PROCESS_ROLE: 'api',
      DATABASE_URL: mariadb.url('clientele_outage'),
      BULK_CHUNK_SIZE: String(CHUNK),
    });
    const healthPort = await freePort();
    workerReady = `http://127.0.0.1:${healthPort}/health/ready`;
    worker = await startWorkerProcess(test.config, { HEALTH_PORT: String(healthPort) });
    queue = new Queue(BULK_QUEUE, bullConnection(test.config));
  }, 120_000);

  afterAll(async () => {
    await killAllWorkers();
    await queue?.close();
    await test?.close();
    await mariadb?.remove();
    await receiver?.close();
  });

  const processed = async (jobId: number) => {
    const [row] = await test!
      .em()
      .getConnection()
      .execute<Array<{ processed: number }>>('SELECT processed FROM bulk_job WHERE id = ?', [
        jobId,
      ]);
    return Number(row.processed);
  };
  const apiReady = async () => (await test!.http().get('/health/ready')).status;

  it('pauses the worker and fails readiness while MySQL is gone, spends no attempt, and finishes every id and delivers every event once it is back', async () => {
    const app = test!;
    const admin = await loginAdmin(app);
    const ids = await seedCustomers(app, CUSTOMERS, 1, 1);
    await app
      .http()
      .post('/api/v1/webhooks')
      .set(bearer(admin))
      .send({ url: receiver!.url('/outage'), events: ['customer.suspended', 'domain.suspended'] })
      .expect(201);
    expect((await readiness(workerReady)).status).toBe(200);

    const jobId = await postBulk(app, admin, 'suspend', ids);
    // Kill the database as soon as the first chunk has committed: the job is in its middle.
    expect(await eventually(async () => (await processed(jobId)) > 0, true, 30_000)).toBe(true);
    await mariadb!.kill();
    const killedAt = Date.now();

    // The worker pauses its queues and says so; both processes fail readiness.
    const workerQueues = async () =>
      (await readiness(workerReady)).body.details?.queueWorkers?.status;
    expect(await eventually(workerQueues, 'down', 15_000)).toBe('down');
    expect((await readiness(workerReady)).status).toBe(503);
    expect(await eventually(apiReady, 503, 15_000)).toBe(503);
    // Requests that need the database are refused with problem details, never a 500.
    const meanwhile = await app.http().get('/api/v1/customers').set(bearer(admin));
    expect(meanwhile.status).toBe(503);
    expect(meanwhile.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(Number(meanwhile.headers['retry-after'])).toBeGreaterThan(0);
    expect(worker.output()).toMatch(/database unreachable .*paused \d+ queue worker/);
    // The running job met the outage: deferred, without spending an attempt.
    expect(
      await eventually(
        async () => /bulk-jobs job \S+ deferred, no attempt spent/.test(worker.output()),
        true,
        15_000,
      ),
    ).toBe(true);

    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - killedAt)));
    const [held] = (
      await queue!.getJobs(['active', 'waiting', 'delayed', 'failed', 'paused'])
    ).filter((job) => job.data.bulkJobId === jobId);
    expect(await held?.getState()).not.toBe('failed');
    expect((await readiness(workerReady)).status).toBe(503);

    await mariadb!.restart();
    expect(await eventually(async () => (await readiness(workerReady)).status, 200, 30_000)).toBe(
      200,
    );
    expect(await eventually(apiReady, 200, 30_000)).toBe(200);
    expect(worker.output()).toMatch(
      /database reachable again after \d+ s: resumed \d+ queue worker/,
    );

    const job = await waitForJob(app, admin, jobId, 120_000);
    expect(job).toMatchObject({
      state: 'completed',
      total: CUSTOMERS,
      processed: CUSTOMERS,
      succeeded: CUSTOMERS,
      failed: 0,
    });
    expect(job.results.map((r) => r.id)).toEqual(ids);
    expect(job.results.filter((r) => r.outcome !== 'suspended')).toEqual([]);
    const state = await cascadeState(app, ids);
    expect(state.inconsistent).toEqual([]);
    expect(new Set(state.statuses.values())).toEqual(new Set(['suspended']));

    // BullMQ counted one attempt: the one that completed.
    const [done] = (await queue!.getJobs(['completed'])).filter((j) => j.data.bulkJobId === jobId);
    // (With what failed, if an attempt was spent: BullMQ keeps each failed attempt's stack.)
    expect({ attemptsMade: done.attemptsMade, failures: done.stacktrace }).toEqual({
      attemptsMade: 1,
      failures: [],
    });

    // Every event of the job reaches the consumer, those relayed before the outage and after it.
    const events = await app
      .em()
      .getConnection()
      .execute<Array<{ id: number }>>(
        "SELECT id FROM outbox_event WHERE job_id = ? AND type IN ('customer.suspended', 'domain.suspended')",
        [jobId],
      );
    expect(events).toHaveLength(CUSTOMERS * 2);
    const expected = events.map((event) => String(event.id));
    const missing = (received: Set<string>) => expected.filter((id) => !received.has(id));
    await receiver!.waitFor(
      (all) => missing(new Set(all.map((d) => d.headers['webhook-id']))).length === 0,
      120_000,
    );
  }, 300_000);
});
