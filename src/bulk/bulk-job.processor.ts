import { BeforeApplicationShutdown, Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { DelayedError, WaitingError } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { BulkChunkRunner, PoisonChunk } from './bulk-chunk.runner';
import { BulkJobLifecycle } from './bulk-job-lifecycle';
import { BulkJobOrder } from './bulk-job-order';
import { BULK_QUEUE, BULK_WORKER_OPTIONS, JobOf, RUN_BULK_JOB } from '../queues';
import { describeCause, failureCauseOf } from './chunk-failure';
import { DeliveryPacing } from './delivery-pacing';

/** How long a job blocked behind an earlier overlapping job waits in the delayed set before it looks again. */
const RECHECK_DELAY_MS = 500;

/**
 * Runs bulk jobs chunk by chunk (BULK_CHUNK_SIZE customers, or BULK_PACED_CHUNK_SIZE while a
 * webhook endpoint listens; ascending ids). Chunks that committed before a crash or a retry are
 * skipped, so the job resumes where it stopped. Overlapping jobs apply in the order they were
 * accepted (BulkJobOrder).
 *
 * On SIGTERM the current chunk finishes, then the job goes back to waiting for another worker
 * (or this one after a restart): Nest calls `beforeApplicationShutdown` before it closes the
 * BullMQ worker and the database.
 */
@Processor(BULK_QUEUE, BULK_WORKER_OPTIONS)
export class BulkJobProcessor
  extends WorkerHost
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  private readonly logger = new Logger(BulkJobProcessor.name);
  private stopping = false;
  private readonly running = new Set<Promise<unknown>>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly lifecycle: BulkJobLifecycle,
    private readonly chunks: BulkChunkRunner,
    private readonly order: BulkJobOrder,
    private readonly pacing: DeliveryPacing,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.workerConcurrency;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    // Fetch nothing more (a job handed back must go to another worker), then let the current chunks commit.
    await this.worker.pause(true);
    await Promise.allSettled([...this.running]);
  }

  async process(job: JobOf<typeof RUN_BULK_JOB>, token?: string): Promise<void> {
    const work = this.run(job, token);
    this.running.add(work);
    try {
      await work;
    } finally {
      this.running.delete(work);
    }
  }

  private async run(job: JobOf<typeof RUN_BULK_JOB>, token?: string): Promise<void> {
    const started = await this.lifecycle.start(job.data.bulkJobId);
    if (!started) return;
    if ('notBefore' in started) {
      await job.moveToDelayed(started.notBefore.getTime(), token);
      throw new DelayedError();
    }
    // Resume after the last committed chunk; the runner skips any id that has an outcome anyway.
    const pending = started.customerIds.filter((id) => id > started.position);
    // No earlier overlapping job left to wait for: then none can appear for the rest of this run.
    let unobstructed = false;
    for (let offset = 0, size = 0; offset < pending.length; offset += size) {
      // Not ahead of its webhooks: deliveries already due drain first (a bounded wait).
      size = await this.pacing.beforeChunk(() => this.stopping);
      if (this.stopping) {
        this.logger.log(
          `bulk job ${started.id}: shutting down, handing it back with ${pending.length - offset} ids to go`,
        );
        await job.moveToWait(token);
        throw new WaitingError();
      }
      const chunk = pending.slice(offset, offset + size);
      unobstructed ||= !(await this.order.isBlocked(
        started.id,
        chunk[0],
        pending[pending.length - 1],
      ));
      if (
        !unobstructed &&
        !(await this.order.waitForTurn(started.id, chunk[0], chunk[chunk.length - 1]))
      ) {
        // An earlier overlapping job is behind (or waiting for a worker): free this slot for it.
        await job.moveToDelayed(Date.now() + RECHECK_DELAY_MS, token);
        throw new DelayedError();
      }
      try {
        await this.chunks.run(started, chunk);
      } catch (error) {
        if (!(error instanceof PoisonChunk)) throw error;
        this.logger.error(`bulk job ${started.id}: ${error.message}`);
        await this.lifecycle.fail(started.id, error.message);
        return;
      }
    }
    await this.lifecycle.complete(started.id);
  }

  /** BullMQ gave up (attempts exhausted): record it, or the job would look `running` forever. */
  @OnWorkerEvent('failed')
  async onFailed(job: JobOf<typeof RUN_BULK_JOB> | undefined, error: Error): Promise<void> {
    if (!job) return;
    const attempts = job.opts.attempts ?? 1;
    if (job.attemptsMade < attempts && !/stalled more than allowable limit/.test(error.message))
      return;
    await this.lifecycle
      .fail(job.data.bulkJobId, describeCause(failureCauseOf(error)))
      .catch((failure: unknown) => {
        this.logger.error(
          `bulk job ${job.data.bulkJobId} failed (${error.message}) and could not be marked failed: ${describeCause(failureCauseOf(failure))}`,
        );
      });
  }
}
