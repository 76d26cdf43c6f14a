import { Inject, Injectable, Logger } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/mysql';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { retryOnLockConflict } from '../database/lock-conflicts';

/** Rows one statement deletes at most: short transactions, no long lock on the tables. */
export const RETENTION_BATCH = 1_000;
/** Jobs whose results one round deletes before it deletes the jobs themselves. */
const JOBS_PER_ROUND = 100;

export interface Pruned {
  jobs: number;
  results: number;
}

/**
 * Deletes finished bulk jobs (completed, failed, cancelled) that finished more than
 * RETENTION_DAYS ago, with their per-id results (up to 10,000 a job). The age is measured on the
 * database's clock. Results go before their job, so a crash in between leaves a job the next
 * round deletes, never results without their job. Each statement is tried again on a conflict
 * (another node deleting or writing the same rows, on Galera).
 */
@Injectable()
export class BulkJobRetention {
  private readonly logger = new Logger(BulkJobRetention.name);

  constructor(
    private readonly em: EntityManager,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async prune(): Promise<Pruned> {
    const connection = this.em.fork().getConnection();
    const pruned: Pruned = { jobs: 0, results: 0 };
    for (;;) {
      const expired = await connection.execute<Array<{ id: number }>>(
        `SELECT id FROM bulk_job
          WHERE state IN ('completed', 'failed', 'cancelled')
            AND finished_at < NOW(3) - INTERVAL ? DAY
          ORDER BY id LIMIT ?`,
        [this.config.retentionDays, JOBS_PER_ROUND],
      );
      if (expired.length === 0) break;
      const ids = expired.map((row) => Number(row.id));
      const list = ids.map(() => '?').join(', ');
      for (;;) {
        const { affectedRows } = await retryOnLockConflict(() =>
          connection.execute<{ affectedRows: number }>(
            `DELETE FROM bulk_job_result WHERE job_id IN (${list}) LIMIT ${RETENTION_BATCH}`,
            ids,
            'run',
          ),
        );
        pruned.results += affectedRows;
        if (affectedRows < RETENTION_BATCH) break;
      }
      const { affectedRows } = await retryOnLockConflict(() =>
        connection.execute<{ affectedRows: number }>(
          `DELETE FROM bulk_job WHERE id IN (${list})`,
          ids,
          'run',
        ),
      );
      pruned.jobs += affectedRows;
    }
    if (pruned.jobs > 0)
      this.logger.log(
        `retention: ${pruned.jobs} finished bulk job(s) older than ${this.config.retentionDays} days deleted, with ${pruned.results} result(s)`,
      );
    return pruned;
  }
}
