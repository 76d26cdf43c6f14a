import { Logger, Module } from '@nestjs/common';
import { BullModule, Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { BulkJobRecovery } from './bulk/bulk-job-recovery';
import { BulkJobRetention } from './bulk/bulk-job-retention';
import {
  APPLY_EXPIRY,
  JobsOf,
  MAINTENANCE_QUEUE,
  MAINTENANCE_WORKER_OPTIONS,
  PRUNE_BULK_JOBS,
  PRUNE_DELIVERIES,
  RECOVER_BULK_JOBS,
  SWEEP_DELIVERIES,
} from './queues';
import { SubscriptionExpiry } from './subscriptions/subscription-expiry';
import { DeliverySweep } from './webhooks/delivery/relay';

/** The maintenance queue: the worker's processor and schedules use it, and the API's dashboard shows it. */
@Module({
  imports: [BullModule.registerQueue({ name: MAINTENANCE_QUEUE })],
  exports: [BullModule],
})
export class MaintenanceQueueModule {}

type MaintenanceJob = JobsOf<typeof MAINTENANCE_QUEUE>;

/**
 * Runs the housekeeping of every feature (`jobSchedules` in src/queues.ts): each job name goes to
 * its feature's service, which holds the work.
 *
 * Every job is safe beside the others and beside its own next run taken by another worker:
 * - the sweep relays with FOR UPDATE SKIP LOCKED, and wake-up jobs have fixed ids;
 * - expiry locks the customers it changes first: a second pass waits for them, then finds the
 *   change made and announces nothing again;
 * - recovery submits under fixed BullMQ ids (a second submit is a no-op), and fails a job under its
 *   row lock, once;
 * - the prunes delete in bounded statements, each tried again on a lock conflict; a row the other
 *   run deleted is simply not counted.
 */
@Processor(MAINTENANCE_QUEUE, MAINTENANCE_WORKER_OPTIONS)
export class MaintenanceProcessor extends WorkerHost {
  private readonly logger = new Logger(MaintenanceProcessor.name);
  private readonly handlers: Record<MaintenanceJob, () => Promise<unknown>>;
  /** The jobs at work in this process. */
  private readonly running = new Set<string>();

  constructor(
    expiry: SubscriptionExpiry,
    bulkRecovery: BulkJobRecovery,
    bulkRetention: BulkJobRetention,
    sweep: DeliverySweep,
  ) {
    super();
    this.handlers = {
      [APPLY_EXPIRY]: () => expiry.apply(),
      [RECOVER_BULK_JOBS]: () => bulkRecovery.recover(new Date()),
      [PRUNE_BULK_JOBS]: () => bulkRetention.prune(),
      [SWEEP_DELIVERIES]: () => sweep.run(),
      [PRUNE_DELIVERIES]: () => sweep.prune(),
    };
  }

  async process(job: Job): Promise<unknown> {
    if (!Object.hasOwn(this.handlers, job.name)) {
      this.logger.warn(`unknown maintenance job "${job.name}" ignored`);
      return null;
    }
    // Each run schedules the next as it starts, so a run slower than its interval would be joined
    // by the next one: that one ends at once (the one at work covers it), and a slow job never
    // takes more than its one slot of MAINTENANCE_WORKER_OPTIONS.
    if (this.running.has(job.name))
      return { skipped: 'the previous run is still at work in this process' };
    this.running.add(job.name);
    try {
      return await this.handlers[job.name as MaintenanceJob]();
    } finally {
      this.running.delete(job.name);
    }
  }
}
