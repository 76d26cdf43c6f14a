import { Injectable } from '@nestjs/common';
import { EntityManager, LockMode } from '@mikro-orm/mysql';
import { EventOutbox } from '../events/event-outbox.service';
import { recordBulkJobFinished } from '../metrics/bulk-metrics';
import { BulkJob } from './bulk-job.entity';
import { toSummaryView } from './bulk-job.views';
import { RunningJob } from './bulk-chunk.runner';

export interface StartedJob extends RunningJob {
  /** Ascending. */
  customerIds: number[];
  /** Every id up to this one already has its outcome. */
  position: number;
}

/** The state changes of a bulk job as a whole: queued -> running -> completed | failed. */
@Injectable()
export class BulkJobLifecycle {
  constructor(
    private readonly em: EntityManager,
    private readonly outbox: EventOutbox,
  ) {}

  /** Marks the job running (keeping the first `startedAt` across retries); null if it is already finished or unknown. */
  start(id: number): Promise<StartedJob | null> {
    return this.em.fork().transactional(async (em) => {
      const job = await em.findOne(BulkJob, id, {
        lockMode: LockMode.PESSIMISTIC_WRITE,
        populate: ['customerIds'],
      });
      if (!job || job.state === 'completed' || job.state === 'failed') return null;
      job.state = 'running';
      job.startedAt ??= new Date();
      await em.flush();
      return {
        id: job.id,
        action: job.action,
        actor: job.actor,
        customerIds: job.customerIds,
        position: job.position,
      };
    });
  }

  /** Completes the job and writes `job.completed` in the same transaction, exactly once. */
  complete(id: number): Promise<void> {
    return this.finish(id, 'completed', null);
  }

  /** Gives up on the job (BullMQ exhausted its attempts); ids without an outcome stay without one. */
  fail(id: number, error: string): Promise<void> {
    return this.finish(id, 'failed', error.slice(0, 1000));
  }

  private async finish(
    id: number,
    state: 'completed' | 'failed',
    error: string | null,
  ): Promise<void> {
    const finished = await this.em.fork().transactional(async (em) => {
      const job = await em.findOne(BulkJob, id, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!job || job.state === 'completed' || job.state === 'failed') return null;
      job.state = state;
      job.error = error;
      job.finishedAt = new Date();
      await em.flush();
      // Both ends of a job are announced as `job.completed`; `state` tells them apart.
      await this.outbox.record(em, {
        type: 'job.completed',
        objectType: 'job',
        objectId: id,
        actor: job.actor,
        jobId: id,
        payload: { job: toSummaryView(job) },
      });
      return job;
    });
    if (finished) recordBulkJobFinished(finished);
  }
}
