import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { EntityManager, UniqueConstraintViolationException } from '@mikro-orm/mysql';
import { RedisAvailability } from '../redis/redis-availability';
import { actorOf, Principal } from '../auth/principal';
import { decodeCursor, isIdCursor, Page, toPage } from '../common/cursor';
import { IdempotencyKeyReused, NotFound } from '../common/domain-errors';
import { retriedTransaction, retryOnLockConflict } from '../database/lock-conflicts';
import { EventOutbox } from '../events/event-outbox.service';
import { delayUntil, planOf } from './bulk-job-schedule';
import { BulkJob } from './bulk-job.entity';
import {
  BulkJobSummaryView,
  BulkJobView,
  ResultRow,
  toJobView,
  toSummaryView,
} from './bulk-job.views';
import { addJobs, BULK_JOB_OPTIONS, BULK_QUEUE, QueueOf, RUN_BULK_JOB } from '../queues';
import { bullJobIdOf } from './bull-job-id';
import { BulkCommandDto } from './dto/bulk-command.dto';
import { ListJobsQuery } from './dto/list-jobs.query';

/** How long accepting a job waits for Redis to take it. */
const SUBMIT_TIMEOUT_MS = 2_000;

/** How long an `Idempotency-Key` names its first job. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 3600 * 1000;

export interface Enqueued {
  jobId: number;
  /** False when an `Idempotency-Key` returned an earlier job. */
  created: boolean;
}

/**
 * Accepting bulk commands and reporting on them. Accepting only records the job in MySQL and puts
 * its id on the queue; the worker does the work (BulkJobProcessor).
 */
@Injectable()
export class BulkJobsService {
  private readonly logger = new Logger(BulkJobsService.name);

  constructor(
    private readonly em: EntityManager,
    @InjectQueue(BULK_QUEUE) private readonly queue: QueueOf<typeof BULK_QUEUE>,
    private readonly outbox: EventOutbox,
    private readonly redis: RedisAvailability,
  ) {}

  async enqueue(auth: Principal, dto: BulkCommandDto, idempotencyKey?: string): Promise<Enqueued> {
    const actor = actorOf(auth);
    const customerIds = [...dto.ids].sort((a, b) => a - b);
    const plan = planOf(dto, new Date());
    // Reason and time join the hash only when given, so hashes of plain commands stay as they were.
    const requestHash = createHash('sha256')
      .update(
        JSON.stringify({
          action: dto.action,
          ids: customerIds,
          ...(plan.reason !== null ? { reason: plan.reason } : {}),
          ...(plan.runAt !== null ? { runAt: plan.runAt.toISOString() } : {}),
        }),
      )
      .digest('hex');

    if (idempotencyKey !== undefined) {
      const earlier = await this.earlierJob(actor, idempotencyKey, requestHash);
      if (earlier) return { jobId: earlier.id, created: false };
    }
    let job: BulkJob;
    try {
      job = await retriedTransaction(this.em.fork(), async (em) => {
        const created = em.create(BulkJob, {
          action: dto.action,
          actor,
          customerIds,
          total: customerIds.length,
          firstId: customerIds[0],
          lastId: customerIds[customerIds.length - 1],
          idempotencyKey: idempotencyKey ?? null,
          requestHash,
          ...(plan.runAt ? { state: 'scheduled' as const } : {}),
          runAt: plan.runAt,
          reason: plan.reason,
        });
        await em.flush();
        if (plan.runAt) await this.recordSchedule(em, created);
        return created;
      });
    } catch (error) {
      // Another API process inserted the same key between our read and our insert.
      if (idempotencyKey === undefined || !(error instanceof UniqueConstraintViolationException))
        throw error;
      const earlier = await this.earlierJob(actor, idempotencyKey, requestHash);
      if (!earlier) throw error;
      return { jobId: earlier.id, created: false };
    }
    await this.submit(job);
    return { jobId: job.id, created: true };
  }

  /**
   * Puts a recorded job on the queue. Idempotent (the BullMQ job id derives from ours). If Redis
   * is unreachable or read-only the job stays `queued` in MySQL, and the workers queue it as soon
   * as Redis is writable again (BulkJobRecovery). BullMQ's connection waits for Redis forever, so
   * the answer does not wait longer than SUBMIT_TIMEOUT_MS (the pending add may still land later).
   */
  async submit(job: Pick<BulkJob, 'id' | 'createdAt' | 'runAt'>): Promise<boolean> {
    let timeout: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        addJobs(this.queue, [
          {
            name: RUN_BULK_JOB,
            data: { bulkJobId: job.id },
            opts: { ...BULK_JOB_OPTIONS, jobId: bullJobIdOf(job), delay: delayUntil(job.runAt) },
          },
        ]),
        new Promise<never>((_, reject) => {
          timeout = setTimeout(
            () => reject(new Error(`Redis did not answer within ${SUBMIT_TIMEOUT_MS} ms`)),
            SUBMIT_TIMEOUT_MS,
          );
        }),
      ]);
      return true;
    } catch (error) {
      this.redis.reportFailure(error);
      this.logger.warn(
        `bulk job ${job.id} recorded but not queued yet (${error instanceof Error ? error.message : String(error)}); it is queued once Redis is writable`,
      );
      return false;
    } finally {
      clearTimeout(timeout);
    }
  }

  async get(id: number, withResults = true): Promise<BulkJobView | BulkJobSummaryView> {
    const em = this.em.fork();
    const job = await em.findOne(BulkJob, id);
    if (!job) throw new NotFound('Job', id);
    if (!withResults) return toSummaryView(job);
    const results = await em
      .getConnection()
      .execute<ResultRow[]>(
        'SELECT customer_id, outcome, error, error_code, error_errno, error_sql_state FROM bulk_job_result WHERE job_id = ? ORDER BY customer_id',
        [id],
      );
    return toJobView(job, results);
  }

  async list(query: ListJobsQuery): Promise<Page<BulkJobSummaryView>> {
    const where = {
      ...(query.state ? { state: query.state } : {}),
      ...(query.cursor ? { id: { $lt: decodeCursor(query.cursor, isIdCursor).id } } : {}),
    };
    const rows = await this.em
      .fork()
      .find(BulkJob, where, { orderBy: { id: 'desc' }, limit: query.limit + 1 });
    return toPage(rows, query.limit, (job) => ({ id: job.id }), toSummaryView);
  }

  /** A schedule is a decision worth auditing: who planned what for when. */
  private async recordSchedule(em: EntityManager, job: BulkJob): Promise<void> {
    await this.outbox.record(em, {
      type: 'job.scheduled',
      objectType: 'job',
      objectId: job.id,
      actor: job.actor,
      jobId: job.id,
      payload: { job: toSummaryView(job) },
    });
  }

  /**
   * The job an idempotency key already names, if it is younger than 24 h. An older one gives up
   * the key (cleared in its row) so the key can name a new job.
   */
  private async earlierJob(
    actor: string,
    idempotencyKey: string,
    requestHash: string,
  ): Promise<BulkJob | null> {
    const em = this.em.fork();
    const earlier = await em.findOne(BulkJob, { actor, idempotencyKey });
    if (!earlier) return null;
    if (earlier.createdAt.getTime() < Date.now() - IDEMPOTENCY_WINDOW_MS) {
      await retryOnLockConflict(() =>
        em.nativeUpdate(BulkJob, { id: earlier.id, idempotencyKey }, { idempotencyKey: null }),
      );
      return null;
    }
    if (earlier.requestHash !== requestHash) {
      throw new IdempotencyKeyReused(
        `The Idempotency-Key was used within the last 24 h for job ${earlier.id}, with a different action or ids. Use a new key for a new request.`,
      );
    }
    return earlier;
  }
}
