import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { BULK_QUEUE } from '../../src/queues';
import { loginAdmin, startTestApp, TestApp } from '../support/app';
import { getJob, postBulk, seedCustomers, waitForJob } from '../support/bulk-jobs';
import { PrivateRedis } from '../support/private-redis';
import { killAllWorkers, startWorkerProcess } from '../support/worker-process';

/**
 * A Redis without persistence that restarts forgets every queued bulk job. MySQL still holds them,
 * and they are queued again as soon as a worker is connected to the new Redis: when its connection
 * comes back, and when a worker starts. Without that, the hourly-minded sweep would find them only
 * once they are a minute old, so these tests give each job 20 s.
 */
describe('bulk jobs lost with a Redis restarted empty', () => {
  let redis: PrivateRedis;
  let test: TestApp;
  let token: string;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    test = await startTestApp({ PROCESS_ROLE: 'api', REDIS_URL: redis.url });
    token = await loginAdmin(test);
  });

  afterAll(async () => {
    await killAllWorkers();
    await test?.close();
    await redis?.stop();
  });

  const bulkQueue = () => test.app.get<Queue>(getQueueToken(BULK_QUEUE));

  it('queues them again when a worker starts', async () => {
    const ids = await seedCustomers(test, 3, 1, 1);
    const jobId = await postBulk(test, token, 'suspend', ids);
    await redis.restartEmpty();
    expect((await bulkQueue().getJobCounts('waiting')).waiting).toBe(0);

    await startWorkerProcess(test.config);
    expect(await waitForJob(test, token, jobId, 20_000)).toMatchObject({
      state: 'completed',
      succeeded: 3,
    });
  });

  it('queues them again when a running worker reconnects to the restarted Redis', async () => {
    // The worker of the first test is running. A paused queue keeps the job waiting in Redis;
    // the restart forgets the job and the pause alike.
    await bulkQueue().pause();
    const ids = await seedCustomers(test, 3, 1, 1);
    const jobId = await postBulk(test, token, 'activate', ids);
    expect((await getJob(test, token, jobId)).state).toBe('queued');
    await redis.restartEmpty();

    expect(await waitForJob(test, token, jobId, 20_000)).toMatchObject({ state: 'completed' });
  });
});
