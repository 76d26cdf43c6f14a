import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/mysql';
import { toSqlDate } from '../../common/sql-dates';
import { retryOnLockConflict } from '../../database/lock-conflicts';
import { GroupBatcher } from './group-batcher';

export interface DeliveryAttempt {
  endpointId: number;
  eventId: string;
  eventType: string;
  attempt: number;
  succeeded: boolean;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  startedAt: Date;
}

const PRUNE_STEP = 5000;

/**
 * Records every attempt in `webhook_delivery`. Concurrent deliveries share one multi-row INSERT;
 * each caller waits until its row is written, so a job never completes before its record exists.
 */
@Injectable()
export class DeliveryLog {
  private readonly batcher = new GroupBatcher<DeliveryAttempt, void>((attempts) =>
    this.insert(attempts),
  );

  constructor(private readonly em: EntityManager) {}

  record(attempt: DeliveryAttempt): Promise<void> {
    return this.batcher.add(attempt);
  }

  async recordAll(attempts: DeliveryAttempt[]): Promise<void> {
    await Promise.all(attempts.map((attempt) => this.batcher.add(attempt)));
  }

  /** Removes attempts made before `before`, in bounded steps (through the created_at index). Returns how many went. */
  async prune(before: Date): Promise<number> {
    let removed = 0;
    for (;;) {
      const result = await this.em
        .getConnection()
        .execute<{ affectedRows: number }>(
          `DELETE FROM webhook_delivery WHERE created_at < ? LIMIT ${PRUNE_STEP}`,
          [toSqlDate(before)],
          'run',
        );
      removed += result.affectedRows;
      if (result.affectedRows < PRUNE_STEP) return removed;
    }
  }

  private async insert(attempts: DeliveryAttempt[]): Promise<void[]> {
    await retryOnLockConflict(() => this.insertOnce(attempts));
    return attempts.map(() => undefined);
  }

  private async insertOnce(attempts: DeliveryAttempt[]): Promise<void> {
    await this.em.getConnection().execute(
      `INSERT INTO webhook_delivery (endpoint_id, event_id, event_type, attempt, succeeded, status_code, duration_ms, error, created_at)
       VALUES ${attempts.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      attempts.flatMap((a) => [
        a.endpointId,
        a.eventId,
        a.eventType,
        a.attempt,
        a.succeeded ? 1 : 0,
        a.statusCode,
        Math.max(0, Math.round(a.durationMs)),
        a.error === null ? null : a.error.slice(0, 500),
        toSqlDate(a.startedAt),
      ]),
      'run',
    );
  }
}
