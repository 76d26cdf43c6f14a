import { getQueueToken } from '@nestjs/bullmq';
import { BulkJobRecovery } from '../src/bulk/bulk-job-recovery';
import { BulkJobRetention, RETENTION_BATCH } from '../src/bulk/bulk-job-retention';
import { BULK_QUEUE, QueueOf } from '../src/queues';
import { startTestApp, TestApp } from './support/app';

const DAY_MS = 86_400_000;
const sqlTime = (msAgo: number) => new Date(Date.now() - msAgo);

/**
 * Inserts `count` bulk jobs straight into MySQL (as if accepted while Redis was away, or kept
 * while Redis lost them) and returns their ids, ascending.
 */
async function insertJobs(
  test: TestApp,
  count: number,
  row: { state: string; createdMsAgo: number; runAt?: Date; finishedMsAgo?: number },
): Promise<number[]> {
  const connection = test.em().getConnection();
  const values = Array.from({ length: count }, () => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
  const params = Array.from({ length: count }, () => [
    'suspend',
    row.state,
    'admin:1',
    '[1]',
    1,
    1,
    1,
    row.runAt ?? null,
    sqlTime(row.createdMsAgo),
    row.finishedMsAgo === undefined ? null : sqlTime(row.finishedMsAgo),
  ]).flat();
  const { insertId } = await connection.execute<{ insertId: number }>(
    `INSERT INTO bulk_job (action, state, actor, customer_ids, total, first_id, last_id, run_at, created_at, finished_at) VALUES ${values}`,
    params,
    'run',
  );
  return Array.from({ length: count }, (_, index) => Number(insertId) + index);
}

async function insertResults(test: TestApp, jobId: number, count: number): Promise<void> {
  const values = Array.from(
    { length: count },
    (_, index) => `(${jobId}, ${index + 1}, 'suspended')`,
  );
  await test
    .em()
    .getConnection()
    .execute(
      `INSERT INTO bulk_job_result (job_id, customer_id, outcome) VALUES ${values.join(', ')}`,
    );
}

async function countOf(test: TestApp, sql: string, params: unknown[] = []): Promise<number> {
  const [{ n }] = await test.em().getConnection().execute<Array<{ n: number }>>(sql, params);
  return Number(n);
}

describe('bulk job housekeeping', () => {
  let test: TestApp;

  beforeAll(async () => {
    test = await startTestApp({ PROCESS_ROLE: 'all', RETENTION_DAYS: '30' });
  });
  afterAll(async () => {
    await test?.close();
  });

  it('queues again every scheduled job Redis lost, past the first thousand (1,200 here)', async () => {
    const runAt = new Date(Date.now() + DAY_MS);
    const ids = await insertJobs(test, 1_200, {
      state: 'scheduled',
      createdMsAgo: 120_000,
      runAt,
    });
    const recovery = test.app.get(BulkJobRecovery);
    const queue = test.app.get<QueueOf<typeof BULK_QUEUE>>(getQueueToken(BULK_QUEUE));
    // The jobs BullMQ holds, by bulk job id. (The app's own recovery schedule may run meanwhile
    // and queue some of them itself: so the test checks what BullMQ holds, not who queued it.)
    const notHeld = async () => {
      const held = new Set((await queue.getJobs(['delayed'], 0, -1)).map((j) => j.data.bulkJobId));
      return ids.filter((id) => !held.has(id));
    };

    const recovered = await recovery.recover(new Date());
    expect(recovered.failed).toBe(0);
    expect(await notHeld()).toEqual([]);
    expect(await queue.getDelayedCount()).toBe(1_200);
    expect(await recovery.requeueMissing()).toBe(0);

    // The start-up path (Redis came back empty) pages too.
    await queue.drain(true);
    expect(await queue.getDelayedCount()).toBe(0);
    await recovery.requeueMissing();
    expect(await notHeld()).toEqual([]);
    expect(await queue.getDelayedCount()).toBe(1_200);
  });

  it(`deletes finished jobs older than RETENTION_DAYS with their results (more than ${RETENTION_BATCH}, the most one statement deletes), and keeps recent and unfinished ones`, async () => {
    const old = 31 * DAY_MS;
    const [oldCompleted] = await insertJobs(test, 1, {
      state: 'completed',
      createdMsAgo: old,
      finishedMsAgo: old,
    });
    const oldFailedAndCancelled = [
      ...(await insertJobs(test, 1, { state: 'failed', createdMsAgo: old, finishedMsAgo: old })),
      ...(await insertJobs(test, 1, { state: 'cancelled', createdMsAgo: old, finishedMsAgo: old })),
    ];
    const [recentCompleted] = await insertJobs(test, 1, {
      state: 'completed',
      createdMsAgo: old,
      finishedMsAgo: 29 * DAY_MS,
    });
    const oldUnfinished = [
      ...(await insertJobs(test, 1, {
        state: 'scheduled',
        createdMsAgo: old,
        runAt: new Date(Date.now() + DAY_MS),
      })),
      ...(await insertJobs(test, 1, { state: 'running', createdMsAgo: old })),
    ];
    // More results than one statement deletes.
    await insertResults(test, oldCompleted, 2 * RETENTION_BATCH + 500);
    await insertResults(test, oldFailedAndCancelled[0], 10);
    await insertResults(test, recentCompleted, 20);
    await insertResults(test, oldUnfinished[1], 30);

    const pruned = await test.app.get(BulkJobRetention).prune();

    expect(pruned).toEqual({ jobs: 3, results: 2 * RETENTION_BATCH + 510 });
    const gone = [oldCompleted, ...oldFailedAndCancelled];
    expect(
      await countOf(test, `SELECT COUNT(*) AS n FROM bulk_job WHERE id IN (${gone.join(',')})`),
    ).toBe(0);
    expect(
      await countOf(
        test,
        `SELECT COUNT(*) AS n FROM bulk_job_result WHERE job_id IN (${gone.join(',')})`,
      ),
    ).toBe(0);
    const kept = [recentCompleted, ...oldUnfinished];
    expect(
      await countOf(test, `SELECT COUNT(*) AS n FROM bulk_job WHERE id IN (${kept.join(',')})`),
    ).toBe(3);
    expect(
      await countOf(
        test,
        `SELECT COUNT(*) AS n FROM bulk_job_result WHERE job_id IN (${kept.join(',')})`,
      ),
    ).toBe(50);
    // Nothing left to do the second time.
    expect(await test.app.get(BulkJobRetention).prune()).toEqual({ jobs: 0, results: 0 });
  });
});
