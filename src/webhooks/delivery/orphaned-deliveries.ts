import { Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { EntityManager } from '@mikro-orm/mysql';
import { JobState, Queue } from 'bullmq';
import { fromSqlDate, toSqlDate } from '../../common/sql-dates';
import { WEBHOOK_DELIVERY_QUEUE, WebhookWakeUp } from '../../queues';
import { DeliveryWakeUps } from './wake-ups';

/** A job in one of these states will still run, and take its deliveries when it does. */
const LIVE: ReadonlyArray<JobState | 'unknown'> = [
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'waiting-children',
];
/** Due this long before a delivery counts as orphaned: a relay adds its jobs right after its commit. */
const GRACE_MS = 2_000;
/**
 * A job that is running or postponed yet leaves its deliveries due this long is taken to be stuck
 * (a hung request, a worker that lost its way): its deliveries get a new job too. Their lease
 * keeps two workers from sending them at once. A job still waiting in the queue is trusted.
 */
const STUCK_MS = 30_000;
/** Wake-up jobs looked at per sweep. */
const MAX_JOBS = 500;

/**
 * Finds pending deliveries that are due but whose wake-up job will never take them (it stalled out
 * and failed, vanished with a Redis restart, ended before they fell due again, or was never added),
 * and wakes them under new jobs. BullMQ's own state is asked, per job id; a job id is never reused,
 * so a failed job BullMQ remembers can never stand for a new one.
 */
@Injectable()
export class OrphanedDeliveries {
  constructor(
    private readonly em: EntityManager,
    private readonly wakeUps: DeliveryWakeUps,
    @InjectQueue(WEBHOOK_DELIVERY_QUEUE) private readonly queue: Queue<WebhookWakeUp>,
  ) {}

  /** Returns how many deliveries it woke. */
  async wake(now = new Date()): Promise<number> {
    const dueBy = toSqlDate(new Date(now.getTime() - GRACE_MS));
    const stuckBy = now.getTime() - STUCK_MS;
    const groups = await this.em
      .getConnection()
      .execute<
        Array<{ wake_job: string | null; endpoint_id: number; n: number; due: string | Date }>
      >(
        `SELECT d.wake_job, d.endpoint_id, COUNT(*) AS n, MIN(d.next_attempt_at) AS due
         FROM event_delivery d JOIN webhook_endpoint e ON e.id = d.endpoint_id AND e.enabled = 1
        WHERE d.state = 'pending' AND d.next_attempt_at <= ?
        GROUP BY d.wake_job, d.endpoint_id LIMIT ${MAX_JOBS}`,
        [dueBy],
      );
    const states = await Promise.all(
      groups.map((group) =>
        group.wake_job === null ? 'unknown' : this.queue.getJobState(group.wake_job),
      ),
    );
    let woken = 0;
    for (const [index, group] of groups.entries()) {
      const state = states[index];
      const stuck = state !== 'waiting' && (fromSqlDate(group.due) ?? now).getTime() < stuckBy;
      if (LIVE.includes(state) && !stuck) continue;
      woken += await this.wakeUps.rewake(
        `d.wake_job <=> ? AND d.endpoint_id = ? AND d.state = 'pending' AND d.next_attempt_at <= ?`,
        [group.wake_job, group.endpoint_id, dueBy],
        { expected: Number(group.n) },
      );
    }
    return woken;
  }
}
