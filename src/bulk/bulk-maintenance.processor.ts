import { Logger } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { EntityManager } from '@mikro-orm/mysql';
import { Job } from 'bullmq';
import { SYSTEM_ACTOR } from '../auth/principal';
import { retriedTransaction } from '../database/lock-conflicts';
import { SuspensionService } from '../suspension/suspension.service';
import { BulkJobRecovery } from './bulk-job-recovery';
import { BulkJobRetention } from './bulk-job-retention';
import { APPLY_EXPIRY, MAINTENANCE_QUEUE, PRUNE_BULK_JOBS, RECOVER_BULK_JOBS } from './bulk-queue';

/** The repeatable housekeeping jobs (see `maintenanceSchedules`). */
@Processor(MAINTENANCE_QUEUE, { concurrency: 1 })
export class BulkMaintenanceProcessor extends WorkerHost {
  private readonly logger = new Logger(BulkMaintenanceProcessor.name);

  constructor(
    private readonly em: EntityManager,
    private readonly suspension: SuspensionService,
    private readonly recovery: BulkJobRecovery,
    private readonly retention: BulkJobRetention,
  ) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    switch (job.name) {
      case APPLY_EXPIRY:
        return this.applyExpiry();
      case RECOVER_BULK_JOBS:
        return this.recovery.recover(new Date());
      case PRUNE_BULK_JOBS:
        return this.retention.prune();
      default:
        this.logger.warn(`unknown maintenance job "${job.name}" ignored`);
        return null;
    }
  }

  /** Applies and lifts the `expired` reason as subscriptions' `expiresAt` passes or moves. */
  private async applyExpiry(): Promise<{ expired: number; renewed: number }> {
    // Tried again as a whole on a conflict: API writes through another node touch the same rows.
    const result = await retriedTransaction(this.em.fork(), (em) =>
      this.suspension.applyExpiry(em, new Date(), { actor: SYSTEM_ACTOR }),
    );
    if (result.expired + result.renewed > 0)
      this.logger.log(
        `expiry: ${result.expired} subscription(s) expired, ${result.renewed} renewed`,
      );
    return result;
  }
}
