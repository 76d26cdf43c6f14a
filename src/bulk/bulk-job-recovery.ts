import { Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { EntityManager, FilterQuery } from '@mikro-orm/mysql';
import { RedisAvailability } from '../redis/redis-availability';
import { BulkJobLifecycle } from './bulk-job-lifecycle';
import { BulkJob } from './bulk-job.entity';
import { BulkJobsService } from './bulk-jobs.service';
import { BULK_QUEUE, QueueOf } from '../queues';
import { bullJobIdOf } from './bull-job-id';

/** Unfinished jobs younger than this are left alone: they are being accepted or worked on. */
const SETTLED_AFTER_MS = 60_000;
/** Jobs looked at per query; each page's BullMQ look-ups run together. */
export const RECOVERY_PAGE = 500;

type RecoverableJob = Pick<BulkJob, 'id' | 'createdAt' | 'runAt'>;

export interface Recovery {
  requeued: number;
  failed: number;
}

/**
 * Reconciles MySQL's unfinished bulk jobs with BullMQ (run by the maintenance job
 * RECOVER_BULK_JOBS). A job recorded while Redis was unreachable, or whose BullMQ entry was lost, is submitted
 * again and resumes after its last committed chunk. A job BullMQ gave up on without telling us
 * (it stalled more often than `maxStalledCount`, which fails it from a Lua script with no worker
 * event) is marked failed, so it neither looks `running` forever nor holds up later jobs.
 *
 * That sweep itself runs from Redis, so it cannot help right after an outage: each time Redis
 * becomes writable again or the connection to it is back (a restart), and when a worker starts,
 * unfinished jobs without a BullMQ entry are submitted at once, whatever their age (submitting is
 * idempotent).
 */
@Injectable()
export class BulkJobRecovery implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger(BulkJobRecovery.name);

  constructor(
    private readonly em: EntityManager,
    @InjectQueue(BULK_QUEUE) private readonly queue: QueueOf<typeof BULK_QUEUE>,
    private readonly jobs: BulkJobsService,
    private readonly lifecycle: BulkJobLifecycle,
    private readonly redis: RedisAvailability,
  ) {}

  onModuleInit(): void {
    this.redis.onWritableAgain(() => this.requeueMissing());
  }

  /** A worker that starts queues what a lost Redis forgot, rather than waiting for the sweep. */
  async onApplicationBootstrap(): Promise<void> {
    await this.requeueMissing().catch((error: unknown) =>
      this.logger.warn(
        `bulk jobs: looking for jobs Redis lost failed at start: ${error instanceof Error ? error.message : String(error)}`,
      ),
    );
  }

  /** Submits every unfinished job BullMQ does not hold (accepted while Redis was away, or lost with it). */
  async requeueMissing(): Promise<number> {
    let count = 0;
    for await (const unfinished of this.pages({
      state: { $in: ['scheduled', 'queued', 'running'] },
    })) {
      const entries = await Promise.all(
        unfinished.map((job) => this.queue.getJob(bullJobIdOf(job))),
      );
      const missing = unfinished.filter((_, index) => !entries[index]);
      const queued = await Promise.all(missing.map((job) => this.jobs.submit(job)));
      count += queued.filter(Boolean).length;
    }
    if (count > 0) this.logger.log(`bulk jobs: ${count} queued again (Redis did not hold them)`);
    return count;
  }

  async recover(now: Date): Promise<Recovery> {
    const recovery: Recovery = { requeued: 0, failed: 0 };
    for await (const unfinished of this.pages({
      $or: [
        {
          state: { $in: ['queued', 'running'] },
          createdAt: { $lt: new Date(now.getTime() - SETTLED_AFTER_MS) },
        },
        // A schedule lives in MySQL; its delayed BullMQ entry is lost with Redis's data.
        { state: 'scheduled' },
      ],
    })) {
      const verdicts = await Promise.all(unfinished.map((job) => this.reconcile(job)));
      recovery.requeued += verdicts.filter((v) => v === 'requeued').length;
      recovery.failed += verdicts.filter((v) => v === 'failed').length;
    }
    if (recovery.requeued + recovery.failed > 0) {
      this.logger.log(
        `bulk jobs: ${recovery.requeued} re-submitted, ${recovery.failed} marked failed`,
      );
    }
    return recovery;
  }

  /**
   * Every job matching `where`, however many, a page at a time in id order (keyset paging: a job
   * that finishes meanwhile shifts no page, and memory stays bounded by one page).
   */
  private async *pages(where: FilterQuery<BulkJob>): AsyncGenerator<RecoverableJob[]> {
    const em = this.em.fork();
    for (let after = 0; ;) {
      const page = await em.find(
        BulkJob,
        { $and: [where, { id: { $gt: after } }] },
        { fields: ['id', 'createdAt', 'runAt'], orderBy: { id: 'asc' }, limit: RECOVERY_PAGE },
      );
      if (page.length > 0) yield page;
      if (page.length < RECOVERY_PAGE) return;
      after = page[page.length - 1].id;
      em.clear();
    }
  }

  private async reconcile(job: RecoverableJob): Promise<'requeued' | 'failed' | 'fine'> {
    const entry = await this.queue.getJob(bullJobIdOf(job));
    if (!entry) {
      await this.jobs.submit(job);
      return 'requeued';
    }
    if ((await entry.getState()) !== 'failed') return 'fine';
    await this.lifecycle.fail(job.id, entry.failedReason || 'BullMQ gave up on the job');
    return 'failed';
  }
}
