import Redis from 'ioredis';
import { bearer, loginAdmin, startTestApp, TestApp } from '../support/app';
import { getJob, postBulk, seedCustomers, waitForJob } from '../support/bulk-jobs';
import { PrivateRedis } from '../support/private-redis';
import { killAllWorkers, startWorkerProcess, WorkerProcess } from '../support/worker-process';

const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();

/**
 * MySQL keeps the schedule; BullMQ's delayed entry only wakes a worker. These tests take the
 * worker process and Redis away under a scheduled job and expect it to run at its time anyway.
 */
// Worker boots, a Redis restart and runAt waits add up, and the machine may be busy.
jest.setTimeout(180_000);

describe('scheduled bulk jobs across restarts', () => {
  let redis: PrivateRedis | undefined;
  let test: TestApp | undefined;
  let admin: string;
  let worker: WorkerProcess | undefined;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    // The API only; the work happens in worker processes, all on the private Redis.
    test = await startTestApp({ PROCESS_ROLE: 'api', REDIS_URL: redis.url });
    admin = await loginAdmin(test);
  });
  afterAll(async () => {
    await killAllWorkers();
    await test?.close();
    await redis?.kill();
  });

  const app = () => {
    if (!test) throw new Error('the app did not start');
    return test;
  };
  const stopWorker = async () => {
    worker?.kill('SIGTERM');
    await worker?.exited;
  };

  it('runs at its time after the worker process was stopped and started again', async () => {
    worker = await startWorkerProcess(app().config);
    const ids = await seedCustomers(app(), 3, 1, 1);
    const runAt = inMs(8_000);
    const accepted = await app()
      .http()
      .post('/api/v1/customers/bulk')
      .set(bearer(admin))
      .send({ action: 'suspend', ids, runAt, reason: 'Planned' })
      .expect(202);
    const jobId = accepted.body.jobId as number;
    await stopWorker();
    worker = await startWorkerProcess(app().config);

    const job = await waitForJob(app(), admin, jobId, 40_000);
    expect(job).toMatchObject({ state: 'completed', succeeded: 3 });
    expect(Date.parse(job.startedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(runAt));
  });

  it('runs at its time after Redis lost everything while no worker was running', async () => {
    const ids = await seedCustomers(app(), 3, 1, 1);
    const runAt = inMs(10_000);
    const accepted = await app()
      .http()
      .post('/api/v1/customers/bulk')
      .set(bearer(admin))
      .send({ action: 'remove', ids, runAt })
      .expect(202);
    const jobId = accepted.body.jobId as number;

    await stopWorker();
    await redis?.kill();
    await redis?.start();
    // The restarted Redis is empty: no delayed entry, no housekeeping schedule.
    const probe = new Redis(redis?.url ?? '');
    try {
      expect(await probe.zcard(`${app().config.redisPrefix}:bulk-jobs:delayed`)).toBe(0);
    } finally {
      probe.disconnect();
    }
    worker = await startWorkerProcess(app().config);

    const job = await waitForJob(app(), admin, jobId, 60_000);
    expect(job).toMatchObject({ state: 'completed', succeeded: 3 });
    expect(Date.parse(job.startedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(runAt));
    // Queued again by the new worker as it starts (or by the recovery sweep, which it also runs
    // at once): the empty Redis held neither the job nor its schedule.
    expect(worker.output()).toMatch(
      /[1-9]\d* queued again \(Redis did not hold them\)|[1-9]\d* re-submitted/,
    );
  });

  it('runs at its time after Redis restarted under a running worker', async () => {
    const ids = await seedCustomers(app(), 2, 1, 1);
    const runAt = inMs(10_000);
    const accepted = await app()
      .http()
      .post('/api/v1/customers/bulk')
      .set(bearer(admin))
      .send({ action: 'suspend', ids, runAt })
      .expect(202);
    const jobId = accepted.body.jobId as number;
    await redis?.kill();
    await redis?.start();

    const job = await waitForJob(app(), admin, jobId, 60_000);
    expect(job).toMatchObject({ state: 'completed', succeeded: 2 });
    expect(Date.parse(job.startedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(runAt));
  });

  it('never runs a queued job cancelled while no worker was running', async () => {
    await stopWorker();
    const [cancelledId, markerId] = await seedCustomers(app(), 2, 1, 1);
    const jobId = await postBulk(app(), admin, 'suspend', [cancelledId]);
    expect((await getJob(app(), admin, jobId)).state).toBe('queued');
    await app().http().post(`/api/v1/jobs/${jobId}/cancel`).set(bearer(admin)).expect(200);

    worker = await startWorkerProcess(app().config);
    // A later job as the marker: once it has run, the worker has passed the cancelled one.
    const marker = await postBulk(app(), admin, 'suspend', [markerId]);
    await waitForJob(app(), admin, marker, 30_000);
    expect(await getJob(app(), admin, jobId)).toMatchObject({
      state: 'cancelled',
      startedAt: null,
      processed: 0,
    });
    const customer = await app()
      .http()
      .get(`/api/v1/customers/${cancelledId}`)
      .set(bearer(admin))
      .expect(200);
    expect(customer.body.status).toBe('active');
  });
});
