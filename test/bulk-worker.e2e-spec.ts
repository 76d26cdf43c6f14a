import { EntityManager } from '@mikro-orm/mysql';
import { loginAdmin, startTestApp, TestApp } from './support/app';
import {
  cascadeState,
  eventCounts,
  getJob,
  JobBody,
  postBulk,
  seedCustomers,
  waitForJob,
} from './support/bulk-jobs';
import { killAllWorkers, startWorkerProcess } from './support/worker-process';

const CUSTOMERS = 1000;
const CHUNK = 100;

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
  let test: TestApp;
  let admin: string;
  let ids: number[];

  beforeAll(async () => {
    // The API only: the work happens in the child processes.
    test = await startTestApp({ PROCESS_ROLE: 'api', BULK_CHUNK_SIZE: String(CHUNK) });
    admin = await loginAdmin(test);
    ids = await seedCustomers(test, CUSTOMERS, 2, 5);
  });
  afterAll(async () => {
    await killAllWorkers();
    await test.close();
  });

  it('finishes a 1,000-customer suspend on another worker after the first is SIGKILLed mid-job, changing and announcing everything exactly once', async () => {
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
    // (every 5 s) hands the job to the new worker, well within 30 s.
    const job = await waitForJob(test, admin, jobId, 30_000);
    await expectFullyApplied(test, job, ids, 'suspended');
    second.kill('SIGTERM');
    await second.exited;
  });

  it('on SIGTERM finishes the current chunk, hands the job back at once, and another worker finishes it', async () => {
    const first = await startWorkerProcess(test.config);
    const jobId = await postBulk(test, admin, 'activate', ids);
    await firstChunkCommitted(() => test.em(), jobId);
    first.kill('SIGTERM');
    // Nest runs the shutdown hooks, then re-raises the signal: ending by SIGTERM is the normal way out.
    expect(['SIGTERM', 0]).toContain(await first.exited);
    const handedBack = await processedOf(test, jobId);
    if (handedBack < CUSTOMERS) expect(first.output()).toMatch(/handing it back/);

    const started = Date.now();
    await startWorkerProcess(test.config);
    const job = await waitForJob(test, admin, jobId, 90_000);
    // Handed back to waiting, not left to stall: no lock has to expire before the job moves on.
    expect(Date.now() - started).toBeLessThan(20_000);
    await expectFullyApplied(test, job, ids, 'activated');
  });
});
