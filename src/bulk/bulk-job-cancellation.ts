import { Injectable, Logger } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { EntityManager, LockMode } from '@mikro-orm/mysql';
import { actorOf, Principal } from '../auth/principal';
import { Conflict, NotFound } from '../common/domain-errors';
import { retriedTransaction } from '../database/lock-conflicts';
import { EventOutbox } from '../events/event-outbox.service';
import { BulkJob } from './bulk-job.entity';
import { BulkJobSummaryView, toSummaryView } from './bulk-job.views';
import { BULK_QUEUE, QueueOf } from '../queues';
import { bullJobIdOf } from './bull-job-id';

/**
 * Cancelling a job that has not started: `scheduled` or `queued` becomes `cancelled`. The job row
 * is locked, and the worker takes the same lock to move a job to `running` (BulkJobLifecycle.start),
 * so a job is either cancelled before it starts or it runs and cancelling is 409: never both.
 */
@Injectable()
export class BulkJobCancellation {
  private readonly logger = new Logger(BulkJobCancellation.name);

  constructor(
    private readonly em: EntityManager,
    private readonly outbox: EventOutbox,
    @InjectQueue(BULK_QUEUE) private readonly queue: QueueOf<typeof BULK_QUEUE>,
  ) {}

  async cancel(auth: Principal, id: number): Promise<BulkJobSummaryView> {
    // A plain read first: a running job's row is locked by its current chunk, and the answer
    // (409) must not wait for that chunk to commit.
    assertCancellable(id, await this.em.fork().findOne(BulkJob, id));
    const job = await retriedTransaction(this.em.fork(), async (em) => {
      const job = await em.findOne(BulkJob, id, { lockMode: LockMode.PESSIMISTIC_WRITE });
      assertCancellable(id, job);
      if (job.state === 'cancelled') return job;
      job.state = 'cancelled';
      job.finishedAt = new Date();
      await em.flush();
      // The end of the job, as for completed and failed jobs; the audit trail names who cancelled it.
      await this.outbox.record(em, {
        type: 'job.completed',
        objectType: 'job',
        objectId: id,
        actor: actorOf(auth),
        jobId: id,
        payload: { job: toSummaryView(job) },
      });
      return job;
    });
    await this.forget(job);
    return toSummaryView(job);
  }

  /** Spares a worker the wake-up; harmless if it fails, the worker finds the job cancelled. */
  private async forget(job: BulkJob): Promise<void> {
    try {
      await this.queue.remove(bullJobIdOf(job));
    } catch (error) {
      this.logger.warn(
        `bulk job ${job.id} cancelled; its queue entry stays until a worker skips it (${error instanceof Error ? error.message : String(error)})`,
      );
    }
  }
}

function assertCancellable(id: number, job: BulkJob | null): asserts job is BulkJob {
  if (!job) throw new NotFound('Job', id);
  if (job.state !== 'scheduled' && job.state !== 'queued' && job.state !== 'cancelled') {
    throw new Conflict(
      `Job ${id} is ${job.state}: only a scheduled or queued job can be cancelled.`,
    );
  }
}
