import { Inject, Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { Transaction } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/mysql';
import { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { toSqlDate } from '../../common/sql-dates';
import {
  DELIVER_WEBHOOKS,
  WAKE_UP_OPTIONS,
  WEBHOOK_DELIVERY_QUEUE,
  WebhookWakeUp,
} from '../../queues';
import { bucketsFor, newWakePrefix, WAKE_JOB_OF } from './event-routing';

/** A wake-up job to add: its id is the `wake_job` of the deliveries it sends. */
export interface WakeUp {
  key: string;
  endpointId: number;
  /** Not before this (epoch ms); now when absent. */
  at?: number;
}

/**
 * Adds the BullMQ jobs that wake workers for deliveries. The deliveries name their job
 * (`wake_job`) before it is added, so a job that is never added, vanishes or fails is found by
 * the sweep; a job that finds nothing due (already sent) simply ends.
 */
@Injectable()
export class DeliveryWakeUps {
  constructor(
    private readonly em: EntityManager,
    @InjectQueue(WEBHOOK_DELIVERY_QUEUE) private readonly queue: Queue<WebhookWakeUp>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async add(wakeUps: WakeUp[]): Promise<void> {
    if (wakeUps.length === 0) return;
    const now = Date.now();
    await this.queue.addBulk(
      wakeUps.map(({ key, endpointId, at }) => ({
        name: DELIVER_WEBHOOKS,
        data: { endpointId },
        opts: { ...WAKE_UP_OPTIONS, jobId: key, delay: Math.max(0, (at ?? now) - now) },
      })),
    );
  }

  /** The jobs that the deliveries keyed under `prefix` need (one per key). */
  async keysUnder(prefix: string, trx?: Transaction): Promise<WakeUp[]> {
    const rows = await this.em
      .getConnection()
      .execute<Array<{ wake_job: string; endpoint_id: number }>>(
        'SELECT DISTINCT wake_job, endpoint_id FROM event_delivery WHERE wake_job LIKE ?',
        [`${prefix}.%`],
        'all',
        trx,
      );
    return rows.map((row) => ({ key: row.wake_job, endpointId: Number(row.endpoint_id) }));
  }

  /**
   * Makes the pending deliveries matching `where` (over `event_delivery d`) due now under fresh
   * wake-up jobs, batched by customer, and adds the jobs. `set` resets more columns (a resend
   * starts the schedule afresh). Returns how many deliveries it woke.
   */
  async rewake(
    where: string,
    params: unknown[],
    options: { set?: string; expected?: number } = {},
  ): Promise<number> {
    const connection = this.em.getConnection();
    const expected =
      options.expected ??
      Number(
        (
          await connection.execute<Array<{ n: number }>>(
            `SELECT COUNT(*) AS n FROM event_delivery d WHERE ${where}`,
            params,
          )
        )[0].n,
      );
    if (expected === 0) return 0;
    const prefix = newWakePrefix();
    const now = toSqlDate(new Date());
    const result = await connection.execute<{ affectedRows: number }>(
      `UPDATE event_delivery d
          SET ${options.set ? `${options.set}, ` : ''}d.next_attempt_at = ?, d.updated_at = ?,
              d.wake_job = ${WAKE_JOB_OF('d.endpoint_id', 'd.customer_id', 'd.event_id')}
        WHERE ${where}`,
      [now, now, prefix, bucketsFor(expected, this.config.webhookBatchSize), ...params],
      'run',
    );
    if (result.affectedRows > 0) await this.add(await this.keysUnder(prefix));
    return result.affectedRows;
  }
}
