import { Queue, Worker } from 'bullmq';
import {
  APPLY_EXPIRY,
  PRUNE_BULK_JOBS,
  PRUNE_DELIVERIES,
  RECOVER_BULK_JOBS,
  RETIRED_QUEUES,
  SWEEP_DELIVERIES,
} from '../src/queues';
import { bullConnection } from '../src/redis/redis.module';
import { startTestApp, TestApp } from './support/app';
import { eventually } from './support/eventually';
import { holdRowLocks } from './support/row-locks';
import { addMaintenance, maintenanceQueue, resultOf, runMaintenance } from './support/maintenance';

/** The one maintenance queue: its schedules, an upgrade from the three queues before it, its concurrency. */
describe('maintenance queue', () => {
  let test: TestApp;

  beforeAll(async () => {
    test = await startTestApp({ PROCESS_ROLE: 'all' });
  });
  afterAll(() => test.close());

  it('registers one schedule per housekeeping job per deployment, however many workers start', async () => {
    const second = await startTestApp({ PROCESS_ROLE: 'worker' }, { reset: false });
    try {
      const schedulers = await maintenanceQueue(test).getJobSchedulers();
      expect(schedulers.map((s) => [s.key, s.name, Number(s.every)]).sort()).toEqual([
        [APPLY_EXPIRY, APPLY_EXPIRY, 60_000],
        [PRUNE_BULK_JOBS, PRUNE_BULK_JOBS, 3_600_000],
        [PRUNE_DELIVERIES, PRUNE_DELIVERIES, 3_600_000],
        [RECOVER_BULK_JOBS, RECOVER_BULK_JOBS, 60_000],
        [SWEEP_DELIVERIES, SWEEP_DELIVERIES, 5_000],
      ]);
    } finally {
      await second.close();
    }
  });

  it('empties the queues an earlier version had for its housekeeping, as a worker starts', async () => {
    // What the version with three housekeeping queues left in Redis.
    const earlier = [
      ['bulk-maintenance', 'subscription-expiry', 'apply-subscription-expiry'],
      ['bulk-maintenance', 'bulk-job-recovery', 'recover-bulk-jobs'],
      ['bulk-maintenance', 'bulk-job-retention', 'prune-bulk-jobs'],
      ['outbox-sweep', 'outbox-sweep', 'sweep'],
      ['webhook-delivery-log-prune', 'webhook-delivery-log-prune', 'prune'],
    ];
    const queues = new Map(
      RETIRED_QUEUES.map((name) => [name, new Queue(name, bullConnection(test.config))]),
    );
    try {
      for (const [queue, schedulerId, name] of earlier)
        await queues.get(queue)?.upsertJobScheduler(schedulerId, { every: 60_000 }, { name });
      // A run an old worker finished, and one it left waiting.
      await queues.get('outbox-sweep')?.add('sweep', {});
      const oldWorker = new Worker('outbox-sweep', null, bullConnection(test.config));
      const token = 'an-old-worker';
      await (await oldWorker.getNextJob(token))?.moveToCompleted({}, token, false);
      await oldWorker.close();
      await queues.get('outbox-sweep')?.add('sweep', {});
      const left = async () => {
        const counts = await Promise.all(
          [...queues.values()].map(async (queue) => [
            (await queue.getJobSchedulers()).length,
            await queue.getJobCountByTypes('waiting', 'delayed', 'prioritized', 'completed'),
          ]),
        );
        return counts.flat().reduce((sum, n) => sum + n, 0);
      };
      expect(await left()).toBeGreaterThanOrEqual(earlier.length + 2);

      const worker = await startTestApp({ PROCESS_ROLE: 'worker' }, { reset: false });
      await worker.close();
      expect(await left()).toBe(0);
    } finally {
      await Promise.all([...queues.values()].map((queue) => queue.close()));
    }
  });

  it('runs the sweep while a prune waits for a lock, and ends a second prune in the same process at once', async () => {
    const { insertId: id } = await test
      .em()
      .getConnection()
      .execute<{ insertId: number }>(
        `INSERT INTO bulk_job (action, state, actor, customer_ids, total, first_id, last_id, position, processed, succeeded, failed, created_at, started_at, finished_at)
         VALUES ('suspend', 'completed', 'admin:1', '[]', 0, 0, 0, 0, 0, 0, 0, UTC_TIMESTAMP(3) - INTERVAL ? DAY,
                 UTC_TIMESTAMP(3) - INTERVAL ? DAY, UTC_TIMESTAMP(3) - INTERVAL ? DAY)`,
        Array(3).fill(test.config.retentionDays + 1),
        'run',
      );
    // The test holds the old job's row: the prune deletes it last, and waits there.
    const locks = await holdRowLocks(test, 'SELECT id FROM bulk_job WHERE id = ? FOR UPDATE', [id]);
    try {
      const prune = await addMaintenance(test, PRUNE_BULK_JOBS);
      const pruneWaits = async () => {
        const [{ n }] = await test
          .em()
          .getConnection()
          .execute<Array<{ n: number }>>(
            `SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST
              WHERE db = DATABASE() AND command = 'Query' AND info LIKE 'DELETE FROM bulk_job WHERE id IN %'`,
          );
        return Number(n) > 0;
      };
      expect(await eventually(pruneWaits, true, 20_000)).toBe(true);

      // This process's only worker runs a prune (this one, or a scheduled run just before it).
      expect(await runMaintenance(test, PRUNE_BULK_JOBS)).toEqual({
        skipped: 'the previous run is still at work in this process',
      });
      await runMaintenance(test, SWEEP_DELIVERIES);
      expect(await pruneWaits()).toBe(true);

      await locks.release();
      await resultOf(test, prune);
      const gone = async () =>
        (await test.em().getConnection().execute('SELECT id FROM bulk_job WHERE id = ?', [id]))
          .length === 0;
      expect(await eventually(gone, true)).toBe(true);
    } finally {
      await locks.release();
    }
  });
});
