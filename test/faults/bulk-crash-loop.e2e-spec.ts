import { getQueueToken } from '@nestjs/bullmq';
import { BULK_QUEUE, QueueOf } from '../../src/queues';
import {
  apiForWorkerProcesses,
  cascadeState,
  eventCounts,
  postBulk,
  waitForJob,
} from '../support/bulk-jobs';
import { startWorkerProcess, WorkerProcess } from '../support/worker-process';

const CHUNK = 100;
const CUSTOMERS = 3_000;
/** Worker boots, lock expiries (10 s) and stalled checks (5 s) add up on a loaded machine. */
jest.setTimeout(900_000);

describe('bulk jobs whose worker is SIGKILLed again and again', () => {
  const world = apiForWorkerProcesses(CUSTOMERS, CHUNK);

  it('completes 5 overlapping jobs while a worker is SIGKILLed every 3-5 s, leaving every customer as the last job says, with its cascade and events exactly once', async () => {
    const { test, admin, ids } = world;
    // [action, first index, last index (exclusive)] in the order accepted: they overlap pairwise.
    const plan: Array<['suspend' | 'activate', number, number]> = [
      ['suspend', 0, 2_000],
      ['activate', 500, 2_500],
      ['suspend', 1_000, 3_000],
      ['activate', 0, 1_500],
      ['suspend', 250, 2_750],
    ];
    // One worker running two jobs at once, killed every 3-5 s: a stalled job comes back only
    // after its lock expires (10 s), so each job gets a few seconds of work between crashes and
    // is hit many times, more than BullMQ's old limit of 10 stalls.
    const workers: WorkerProcess[] = [await startWorkerProcess(test.config)];
    const jobs: Array<{ id: number; ids: number[] }> = [];
    for (const [action, from, to] of plan) {
      const jobIds = ids.slice(from, to);
      jobs.push({ id: await postBulk(test, admin, action, jobIds), ids: jobIds });
    }
    const unfinished = async () => {
      const [{ n }] = await test
        .em()
        .getConnection()
        .execute<Array<{ n: number }>>(
          `SELECT COUNT(*) AS n FROM bulk_job WHERE state IN ('queued', 'running') AND id IN (${jobs.map((job) => job.id).join(',')})`,
        );
      return Number(n);
    };

    // The kill loop: the cadence of a crash-looping deployment, not a wait for a result.
    let kills = 0;
    while ((await unfinished()) > 0 && kills < 60) {
      await new Promise((resolve) => setTimeout(resolve, 3_000 + Math.random() * 2_000));
      const victim = Math.floor(Math.random() * workers.length);
      workers[victim].kill('SIGKILL');
      await workers[victim].exited;
      kills += 1;
      workers[victim] = await startWorkerProcess(test.config);
    }

    const finished = [];
    for (const job of jobs) finished.push(await waitForJob(test, admin, job.id, 600_000));
    const queue = test.app.get<QueueOf<typeof BULK_QUEUE>>(getQueueToken(BULK_QUEUE));
    const entries = await queue.getJobs(['completed', 'failed', 'active', 'waiting']);
    const stalls = finished.map(
      (job) => entries.find((entry) => entry.data.bulkJobId === job.id)?.stalledCounter ?? 0,
    );
    // The run's figures, for the report: how hard the jobs were hit.
    console.info(`${kills} SIGKILLs; BullMQ stalls per job: ${stalls.join(', ')}`);

    expect(finished.map((job) => [job.id, job.state, job.error ?? null])).toEqual(
      jobs.map((job) => [job.id, 'completed', null]),
    );
    for (const [index, job] of finished.entries()) {
      expect(job.results.map((result) => result.id)).toEqual(jobs[index].ids);
      expect(
        job.results.filter((r) => r.outcome === 'failed' || r.outcome === 'not_found'),
      ).toEqual([]);
      const counts = await eventCounts(test, job.id);
      expect(counts.filter((row) => Number(row.n) !== 1)).toEqual([]);
    }

    // Overlapping jobs apply in the order accepted: each customer ends as the last job over it says.
    const expected = new Map<number, string>(ids.map((id) => [id, 'active']));
    for (const [action, from, to] of plan)
      for (const id of ids.slice(from, to))
        expected.set(id, action === 'suspend' ? 'suspended' : 'active');
    const state = await cascadeState(test, ids);
    expect(state.missing).toEqual([]);
    expect(state.inconsistent).toEqual([]);
    expect(ids.filter((id) => state.statuses.get(id) !== expected.get(id))).toEqual([]);
  });
});
