import { EntityManager } from '@mikro-orm/mysql';
import { getQueueToken } from '@nestjs/bullmq';
import Redis from 'ioredis';
import { BULK_QUEUE, JobOf, QueueOf, RUN_BULK_JOB } from '../../src/queues';
import { REDIS } from '../../src/redis/redis.module';
import { TestApp } from '../support/app';
import {
  apiForWorkerProcesses,
  cascadeState,
  eventCounts,
  getJob,
  JobBody,
  postBulk,
  waitForJob,
} from '../support/bulk-jobs';
import { eventually } from '../support/browser';
import { startWorkerProcess } from '../support/worker-process';

const CUSTOMERS = 1000;
const CHUNK = 100;
/**
 * A test here boots two workers and runs a 1,000-customer job; on a loaded machine that takes
 * longer than Jest's default minute. Each wait inside has its own, shorter bound and message.
 */
const WHOLE_JOB_MS = 300_000;

/** Polls the job row until its first chunk has committed (`processed` > 0); returns `processed` then. */
async function firstChunkCommitted(
  em: () => EntityManager,
  jobId: number,
  timeoutMs = 60_000,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await em()
      .getConnection()
      .execute<Array<{ processed: number }>>('SELECT processed FROM bulk_job WHERE id = ?', [
        jobId,
      ]);
    if (Number(row?.processed) > 0) return Number(row.processed);
    if (Date.now() > deadline)
      throw new Error(`job ${jobId} committed no chunk within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The BullMQ job that carries a bulk job, as Redis holds it now. */
async function bullJobOf(test: TestApp, jobId: number): Promise<JobOf<typeof RUN_BULK_JOB>> {
  const queue = test.app.get<QueueOf<typeof BULK_QUEUE>>(getQueueToken(BULK_QUEUE));
  const jobs = await queue.getJobs(['active', 'waiting', 'delayed', 'completed', 'failed']);
  const job = jobs.find((candidate) => candidate.data.bulkJobId === jobId);
  if (!job) throw new Error(`no BullMQ job for bulk job ${jobId}`);
  return job;
}

async function processedOf(test: TestApp, jobId: number): Promise<number> {
  const [row] = await test
    .em()
    .getConnection()
    .execute<Array<{ processed: number }>>('SELECT processed FROM bulk_job WHERE id = ?', [jobId]);
  return Number(row.processed);
}

/** Every customer changed with its whole cascade, and each transition announced exactly once. */
async function expectFullyApplied(
  test: TestApp,
  job: JobBody,
  ids: number[],
  outcome: 'suspended' | 'activated',
) {
  expect(job).toMatchObject({
    state: 'completed',
    total: CUSTOMERS,
    processed: CUSTOMERS,
    succeeded: CUSTOMERS,
    failed: 0,
  });
  expect(job.results.map((r) => r.id)).toEqual(ids);
  expect(job.results.filter((r) => r.outcome !== outcome)).toEqual([]);

  const state = await cascadeState(test, ids);
  expect(state.inconsistent).toEqual([]);
  expect(new Set(state.statuses.values())).toEqual(
    new Set([outcome === 'suspended' ? 'suspended' : 'active']),
  );

  const counts = await eventCounts(test, job.id);
  const count = (type: string) => counts.filter((row) => row.type === type).length;
  expect(counts.filter((row) => Number(row.n) !== 1)).toEqual([]);
  expect(count(`customer.${outcome}`)).toBe(CUSTOMERS);
  expect(count(`subscription.${outcome}`)).toBe(CUSTOMERS * 2);
  expect(count(`domain.${outcome}`)).toBe(CUSTOMERS * 10);
  expect(count('job.completed')).toBe(1);
  const [{ duplicates }] = await test
    .em()
    .getConnection()
    .execute<Array<{ duplicates: number }>>(
      'SELECT COUNT(*) AS duplicates FROM (SELECT customer_id, sequence FROM outbox_event WHERE job_id = ? GROUP BY customer_id, sequence HAVING COUNT(*) > 1) d',
      [job.id],
    );
  expect(Number(duplicates)).toBe(0);
}

describe('bulk jobs on real worker processes', () => {
  const world = apiForWorkerProcesses(CUSTOMERS, CHUNK);

  it(
    'finishes a 1,000-customer suspend on another worker after the first is SIGKILLed mid-job, changing and announcing everything exactly once',
    async () => {
      const { test, admin, ids } = world;
      const first = await startWorkerProcess(test.config);
      const jobId = await postBulk(test, admin, 'suspend', ids);
      const atKill = await firstChunkCommitted(() => test.em(), jobId);
      first.kill('SIGKILL');
      await first.exited;
      const afterKill = await processedOf(test, jobId);
      expect(afterKill).toBeLessThan(CUSTOMERS);
      expect(afterKill % CHUNK).toBe(0); // whole chunks only: a chunk commits entirely or not at all
      expect(atKill).toBeGreaterThan(0);
      // Progress is visible meanwhile: the committed chunks, their outcomes, the job still running.
      const meanwhile = await getJob(test, admin, jobId);
      expect(meanwhile).toMatchObject({
        state: 'running',
        processed: afterKill,
        succeeded: afterKill,
        failed: 0,
      });
      expect(meanwhile.results).toHaveLength(afterKill);
      expect(meanwhile.startedAt).not.toBeNull();
      expect(meanwhile.finishedAt).toBeNull();

      const second = await startWorkerProcess(test.config);
      // Stalled-job recovery: the dead worker's lock expires (10 s) and the next stalled check
      // (every 5 s) hands the job to the new worker, well within 30 s. The rest then takes as long
      // as the chunks take on this machine.
      expect(
        await eventually(async () => (await processedOf(test, jobId)) > afterKill, true, 30_000),
      ).toBe(true);
      const job = await waitForJob(test, admin, jobId, 120_000);
      await expectFullyApplied(test, job, ids, 'suspended');
      // BullMQ counts the recovery: what tells a stalled job from one handed back (next test).
      expect((await bullJobOf(test, jobId)).stalledCounter).toBeGreaterThanOrEqual(1);
      second.kill('SIGTERM');
      await second.exited;
    },
    WHOLE_JOB_MS,
  );

  it(
    'on SIGTERM finishes the current chunk and hands the job back at once: back in the queue with no lock left to expire, and another worker finishes it',
    async () => {
      const { test, admin, ids } = world;
      // A row lock of the test's own on the first customer of the third chunk: the worker commits
      // two chunks, then waits in the third, so the job is certainly unfinished when SIGTERM comes.
      const blocker = test.em();
      await blocker.begin();
      const blockerConnection = blocker.getConnection();
      const transaction = blocker.getTransactionContext();
      const heldId = ids[2 * CHUNK];
      await blockerConnection.execute(
        'SELECT id FROM customer WHERE id = ? FOR UPDATE',
        [heldId],
        'all',
        transaction,
      );
      const [{ trx }] = await blockerConnection.execute<Array<{ trx: string }>>(
        'SELECT trx_id AS trx FROM information_schema.INNODB_TRX WHERE trx_mysql_thread_id = CONNECTION_ID()',
        [],
        'all',
        transaction,
      );
      // The worker's chunk waits for the test's lock: InnoDB lists the wait, or (as MariaDB does
      // not always show it there) its locking read of the held customer has been running a while.
      const waitsForTheBlocker = async () => {
        const connection = test.em().getConnection();
        const [{ n }] = await connection.execute<Array<{ n: number }>>(
          'SELECT COUNT(*) AS n FROM information_schema.INNODB_LOCK_WAITS WHERE blocking_trx_id = ?',
          [trx],
        );
        const [{ m }] = await connection.execute<Array<{ m: number }>>(
          `SELECT COUNT(*) AS m FROM information_schema.PROCESSLIST
            WHERE db = DATABASE() AND command = 'Query' AND time >= 1
              AND info LIKE 'SELECT % FROM customer WHERE id IN (${heldId},%FOR UPDATE'`,
        );
        return Number(n) + Number(m) > 0;
      };

      try {
        const first = await startWorkerProcess(test.config);
        const jobId = await postBulk(test, admin, 'activate', ids);
        if (!(await eventually(waitsForTheBlocker, true, 60_000)))
          throw new Error(
            `the worker never waited for the test's row lock (processed ${await processedOf(test, jobId)}):\n${first.output().slice(-3000)}`,
          );
        expect(await processedOf(test, jobId)).toBe(2 * CHUNK);
        // The first worker holds the BullMQ job's lock meanwhile (which also shows the key is the right one).
        const bullJobId = (await bullJobOf(test, jobId)).id;
        const redis = test.app.get<Redis>(REDIS); // keys under `<REDIS_PREFIX>:`, BullMQ's under `<REDIS_PREFIX>:bull:`
        const lockHeld = () => redis.exists(`bull:${BULK_QUEUE}:${bullJobId}:lock`);
        expect(await lockHeld()).toBe(1);

        // SIGTERM while the chunk waits, then let the chunk go on: it is the one to finish.
        first.kill('SIGTERM');
        await blocker.rollback();
        // Nest runs the shutdown hooks, then re-raises the signal: ending by SIGTERM is the normal way out.
        expect(['SIGTERM', 0]).toContain(await first.exited);
        const handedBack = await processedOf(test, jobId);
        // The chunk it was in finished (whole chunks only), and the job was far from done.
        expect(handedBack % CHUNK).toBe(0);
        expect(handedBack).toBeGreaterThanOrEqual(3 * CHUNK);
        expect(handedBack).toBeLessThan(CUSTOMERS);
        expect(first.output()).toContain(
          `handing it back with ${CUSTOMERS - handedBack} ids to go`,
        );
        // With no worker alive, the job is already back in the queue and holds no lock: nothing
        // has to expire and no stalled check has to notice it. (A worker that died without
        // handing back would leave it active, under its lock, until then.)
        expect(await (await bullJobOf(test, jobId)).getState()).toBe('waiting');
        expect(await lockHeld()).toBe(0);

        const second = await startWorkerProcess(test.config);
        const job = await waitForJob(test, admin, jobId, 120_000);
        await expectFullyApplied(test, job, ids, 'activated');
        // Never moved by stalled-job recovery on the way (the SIGKILL case shows it would count).
        expect((await bullJobOf(test, jobId)).stalledCounter).toBe(0);
        second.kill('SIGTERM');
        await second.exited;
      } finally {
        if (blocker.isInTransaction()) await blocker.rollback();
      }
    },
    WHOLE_JOB_MS,
  );
});
