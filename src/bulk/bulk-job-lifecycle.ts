import { Injectable } from '@nestjs/common';
import { EntityManager, LockMode } from '@mikro-orm/mysql';
import { readYourCluster } from '../database/cluster-reads';
import { retriedTransaction } from '../database/lock-conflicts';
import { EventOutbox } from '../events/event-outbox.service';
import { recordBulkJobFinished } from './bulk-metrics';
import { BulkJob, BulkJobState } from './bulk-job.entity';
import { toSummaryView } from './bulk-job.views';
import { RunningJob } from './bulk-chunk.runner';

/** A scheduled job woken before its time (a clock ahead, a stray wake-up): to be put back until then. */
export interface EarlyJob {
  notBefore: Date;
}

export interface StartedJob extends RunningJob {
  /** Ascending. */
  customerIds: number[];
  /** Every id up to this one already has its outcome. */
  position: number;
}

/**
 * The state changes of a bulk job as a whole: queued -> running -> completed | failed.
 * Each is a transaction tried again on a conflict (another node's commit, on Galera), and reads
 * the job causally: the API may have written it through another Galera node, and a worker whose
 * node lags must not take the job for unknown, finished or cancelled.
 */
@Injectable()
export class BulkJobLifecycle {
  constructor(
    private readonly em: EntityManager,
    private readonly outbox: EventOutbox,
  ) {}

  /**
   * Marks the job running (keeping the first `startedAt` across retries); null if it is already
   * finished, cancelled or unknown. Cancelling takes the same row lock, so it is either done before
   * this or refused after.
   */
  start(id: number): Promise<StartedJob | EarlyJob | null> {
    return retriedTransaction(this.em.fork(), async (em) => {
      await readYourCluster(em);
      const job = await em.findOne(BulkJob, id, {
        lockMode: LockMode.PESSIMISTIC_WRITE,
        populate: ['customerIds'],
      });
      if (!job || isEnded(job.state)) return null;
      if (job.state === 'scheduled' && job.runAt && job.runAt.getTime() > Date.now())
        return { notBefore: job.runAt };
      job.state = 'running';
      job.startedAt ??= new Date();
      await em.flush();
      return {
        id: job.id,
        action: job.action,
        actor: job.actor,
        reason: job.reason,
        scheduled: job.runAt !== null,
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
    const finished = await retriedTransaction(this.em.fork(), async (em) => {
      await readYourCluster(em);
      const job = await em.findOne(BulkJob, id, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!job || isEnded(job.state)) return null;
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

const isEnded = (state: BulkJobState) =>
  state === 'completed' || state === 'failed' || state === 'cancelled';
