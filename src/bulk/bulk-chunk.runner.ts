import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/mysql';
import { CustomerRemoval } from '../customers/customer-removal.service';
import { isDatabaseUnreachable } from '../database/database-unreachable';
import { retriedTransaction, retryOnLockConflict } from '../database/lock-conflicts';
import { countFailedBulkChunk } from './bulk-metrics';
import { SuspensionDetails, SuspensionService } from '../suspension/suspension.service';
import { BulkOutcome } from './bulk-job-result.entity';
import { BulkAction } from './bulk-job.entity';
import { ChunkFailureCause, describeCause, failureCauseOf } from './chunk-failure';
import { isTransient } from './transient-errors';

/** What the worker knows of a job while running its chunks. */
export interface RunningJob {
  id: number;
  action: BulkAction;
  actor: string;
  /** The suspension reason of a `suspend` job. */
  reason: string | null;
  /** A scheduled job names itself as who suspended (`job:<id>`): nobody pressed a button then. */
  scheduled: boolean;
}

/**
 * Attempts per chunk for deadlocks, lock wait timeouts and lost connections; waits 100, 200, 400,
 * 800 ms (+ jitter) in between. Each attempt is itself a `retriedTransaction`, which first tries
 * the transaction again on quick conflicts (Galera certification at COMMIT, a node not ready yet),
 * counted in clientele_transaction_retries_total.
 */
export const CHUNK_ATTEMPTS = 5;
const BACKOFF_MS = 100;

/**
 * Starts of the same chunk without a commit after which the job gives up: a worker killed at random
 * (a deploy, the OOM killer, a lost node) almost never dies in the same chunk this often in a row,
 * while a chunk that kills its worker each time would otherwise be retried forever.
 */
export const POISON_CHUNK_STARTS = 5;

/** The chunk a job stops at because its earlier starts never committed (see POISON_CHUNK_STARTS). */
export class PoisonChunk extends Error {
  constructor(first: number, last: number, starts: number) {
    super(
      `chunk ${first}..${last} was started ${starts} times and never committed (its worker died each time); the job stops before it`,
    );
    this.name = 'PoisonChunk';
  }
}

const SUCCEEDED: ReadonlySet<BulkOutcome> = new Set([
  'suspended',
  'activated',
  'removed',
  'unchanged',
]);

/**
 * Runs one chunk of a bulk job as one transaction: the cascade of its customers, their outcomes
 * and the job's counters commit together. The job row is locked first, so two workers that both
 * hold the job (after a false stall) take its chunks one at a time, and ids that already have an
 * outcome are skipped: a redone chunk changes and announces nothing twice.
 */
@Injectable()
export class BulkChunkRunner {
  private readonly logger = new Logger(BulkChunkRunner.name);

  constructor(
    private readonly em: EntityManager,
    private readonly suspension: SuspensionService,
    private readonly removal: CustomerRemoval,
  ) {}

  /**
   * `ids` ascending. A chunk that keeps failing has its ids recorded `failed`, except when the
   * database is unreachable: that is rethrown, as the same chunk will succeed once it is back.
   */
  async run(job: RunningJob, ids: number[]): Promise<void> {
    if (!(await this.countStart(job.id)))
      throw new PoisonChunk(ids[0], ids[ids.length - 1], POISON_CHUNK_STARTS);
    for (let attempt = 1; ; attempt += 1) {
      try {
        await retriedTransaction(this.em.fork(), (em) => this.applyChunk(em, job, ids));
        return;
      } catch (error) {
        if (isTransient(error) && attempt < CHUNK_ATTEMPTS) {
          await sleep(BACKOFF_MS * 2 ** (attempt - 1) + Math.random() * BACKOFF_MS);
          continue;
        }
        if (isDatabaseUnreachable(error)) throw error;
        const cause = failureCauseOf(error);
        // The structured fields go into the log record too, so a log search finds them by code or errno.
        this.logger.warn({
          msg: `bulk job ${job.id}: chunk ${ids[0]}..${ids[ids.length - 1]} failed after ${attempt} attempt(s): ${describeCause(cause)}`,
          bulkJobId: job.id,
          chunk: { first: ids[0], last: ids[ids.length - 1], size: ids.length },
          attempts: attempt,
          cause,
        });
        countFailedBulkChunk(job.action);
        await retriedTransaction(this.em.fork(), (em) => this.recordFailure(em, job, ids, cause));
        return;
      }
    }
  }

  /**
   * Counts a start of the job's next chunk, committed before the chunk runs so that a crash in it
   * leaves the count behind; false (nothing counted) once POISON_CHUNK_STARTS starts went
   * uncommitted. One autocommitted statement: it runs before every chunk.
   */
  private async countStart(jobId: number): Promise<boolean> {
    const { affectedRows } = await retryOnLockConflict(() =>
      this.em
        .fork()
        .getConnection()
        .execute<{ affectedRows: number }>(
          'UPDATE bulk_job SET chunk_starts = chunk_starts + 1 WHERE id = ? AND chunk_starts < ?',
          [jobId, POISON_CHUNK_STARTS],
          'run',
        ),
    );
    return affectedRows > 0;
  }

  private async applyChunk(em: EntityManager, job: RunningJob, ids: number[]): Promise<void> {
    const todo = await this.lockJobAndSkipDone(em, job, ids);
    if (todo.length === 0) {
      // Another holder of the job (after a false stall) committed it: this start did not crash.
      await em
        .getConnection()
        .execute(
          'UPDATE bulk_job SET chunk_starts = 0 WHERE id = ?',
          [job.id],
          'run',
          em.getTransactionContext(),
        );
      return;
    }
    const context = { actor: job.actor, jobId: job.id };
    const outcomes: Map<number, BulkOutcome> =
      job.action === 'suspend'
        ? await this.suspension.suspendCustomers(em, todo, context, suspensionOf(job))
        : job.action === 'activate'
          ? await this.suspension.activateCustomers(em, todo, context)
          : await this.removal.removeCustomers(em, todo, context);
    await this.record(
      em,
      job,
      todo.map((id) => ({ id, outcome: outcomes.get(id) ?? 'not_found', error: null })),
    );
  }

  private async recordFailure(
    em: EntityManager,
    job: RunningJob,
    ids: number[],
    cause: ChunkFailureCause,
  ): Promise<void> {
    const todo = await this.lockJobAndSkipDone(em, job, ids);
    await this.record(
      em,
      job,
      todo.map((id) => ({ id, outcome: 'failed', error: cause })),
    );
  }

  /** Locks the job row, then returns the ids of the chunk that have no outcome yet. */
  private async lockJobAndSkipDone(
    em: EntityManager,
    job: RunningJob,
    ids: number[],
  ): Promise<number[]> {
    // One round trip: the job row locked, joined to the outcomes the chunk already has. A chunk is
    // a contiguous run of the job's sorted ids, so a range read finds exactly its outcomes (their
    // rows are locked too: only the holder of the job's lock writes them).
    const done = await em.getConnection().execute<Array<{ customer_id: number | null }>>(
      `SELECT r.customer_id FROM bulk_job j
           LEFT JOIN bulk_job_result r ON r.job_id = j.id AND r.customer_id BETWEEN ? AND ?
          WHERE j.id = ? FOR UPDATE`,
      [ids[0], ids[ids.length - 1], job.id],
      'all',
      em.getTransactionContext(),
    );
    const skip = new Set(done.map((row) => Number(row.customer_id ?? 0)));
    return ids.filter((id) => !skip.has(id));
  }

  private async record(
    em: EntityManager,
    job: RunningJob,
    results: Array<{ id: number; outcome: BulkOutcome; error: ChunkFailureCause | null }>,
  ): Promise<void> {
    if (results.length === 0) return;
    const connection = em.getConnection();
    const ctx = em.getTransactionContext();
    await connection.execute(
      `INSERT INTO bulk_job_result (job_id, customer_id, outcome, error, error_code, error_errno, error_sql_state) VALUES ${results.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      results.flatMap((r) => [
        job.id,
        r.id,
        r.outcome,
        r.error?.message ?? null,
        r.error?.code ?? null,
        r.error?.errno ?? null,
        r.error?.sqlState ?? null,
      ]),
      'run',
      ctx,
    );
    const succeeded = results.filter((r) => SUCCEEDED.has(r.outcome)).length;
    await connection.execute(
      'UPDATE bulk_job SET processed = processed + ?, succeeded = succeeded + ?, failed = failed + ?, position = GREATEST(position, ?), chunk_starts = 0 WHERE id = ?',
      [
        results.length,
        succeeded,
        results.length - succeeded,
        results[results.length - 1].id,
        job.id,
      ],
      'run',
      ctx,
    );
  }
}

const suspensionOf = (job: RunningJob): SuspensionDetails => ({
  reason: job.reason ?? undefined,
  suspendedBy: job.scheduled ? `job:${job.id}` : job.actor,
});
