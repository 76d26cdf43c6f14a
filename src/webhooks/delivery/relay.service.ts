import { Inject, Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { EntityManager, IsolationLevel } from '@mikro-orm/mysql';
import { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { fromSqlDate, toSqlDate } from '../../common/sql-dates';
import { planDeliveryBatches } from './delivery-batches';
import {
  DELIVERY_BATCH_JOB,
  deliveryBatchJobId,
  deliveryJobOptions,
  WEBHOOK_DELIVERY_QUEUE,
  WebhookBatchJob,
} from './webhook-delivery.queue';
import { EventObjectType, EventType } from '../../events/event-types';

const BATCH = 2000;
// The payload as text: the driver would parse a JSON column only for the relay to encode it again.
export const RELAYED_COLUMNS =
  'id, type, object_type, object_id, customer_id, sequence, actor, job_id, CAST(payload AS CHAR) AS payload, created_at';
/** Claims that run at once in one relay pass. */
const LANES = 2;

/** An outbox row as the relay reads it: raw, so the payload stays the JSON text it was stored as. */
export interface RelayedEvent {
  id: string;
  type: EventType;
  objectType: EventObjectType;
  objectId: number;
  customerId: number | null;
  sequence: number | null;
  actor: string;
  jobId: number | null;
  payload: string;
  createdAt: Date;
}

export interface OutboxRow {
  id: string | number;
  type: EventType;
  object_type: EventObjectType;
  object_id: number;
  customer_id: number | null;
  sequence: number | null;
  actor: string;
  job_id: number | null;
  payload: string | Record<string, unknown>;
  created_at: string | Date;
}

/**
 * Hands committed outbox events to the webhook delivery queue. A pass claims undispatched rows with
 * FOR UPDATE SKIP LOCKED (so any number of processes can relay at once without sending an event
 * twice), adds per matching enabled endpoint one delivery job per batch of events, and marks the rows dispatched in
 * the same transaction: if the enqueue fails, the claim rolls back and a later pass retries.
 */
@Injectable()
export class OutboxRelay {
  constructor(
    private readonly em: EntityManager,
    @InjectQueue(WEBHOOK_DELIVERY_QUEUE) private readonly batches: Queue<WebhookBatchJob>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Relays until nothing undispatched is left; returns how many events it handled. Several claims
   * run at once (SKIP LOCKED keeps them apart), so one claim's enqueue and commit do not hold up the
   * next events.
   */
  async relayAll(): Promise<number> {
    const lanes = await Promise.all(Array.from({ length: LANES }, () => this.relayLane()));
    return lanes.reduce((a, b) => a + b, 0);
  }

  private async relayLane(): Promise<number> {
    let total = 0;
    for (;;) {
      const handled = await this.relayBatch();
      total += handled;
      if (handled < BATCH) return total;
    }
  }

  private async relayBatch(): Promise<number> {
    const connection = this.em.getConnection();
    // A connection-level transaction fires no ORM transaction events, so relaying does not
    // trigger another relay pass. READ COMMITTED takes no gap locks: writers appending events
    // never wait for a relay pass.
    return connection.transactional(
      async (trx) => {
        const endpoints = (
          await connection.execute<Array<{ id: number; events: string | string[] }>>(
            'SELECT id, events FROM webhook_endpoint WHERE enabled = 1',
            [],
            'all',
            trx,
          )
        ).map((row) => ({
          id: Number(row.id),
          events:
            typeof row.events === 'string' ? (JSON.parse(row.events) as string[]) : row.events,
        }));
        // Without an enabled endpoint nothing is owed to anyone: claim ids only, skip the payloads.
        const columns = endpoints.length === 0 ? 'id' : RELAYED_COLUMNS;
        const rows = await connection.execute<OutboxRow[]>(
          `SELECT ${columns} FROM outbox_event WHERE dispatched_at IS NULL ORDER BY id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
          [],
          'all',
          trx,
        );
        if (rows.length === 0) return 0;
        const events = endpoints.length === 0 ? [] : rows.map(toRelayedEvent);
        const retries = this.config.webhookRetryScheduleMs.length;
        const jobs = planDeliveryBatches(
          events,
          endpoints,
          this.config.webhookBatchSize,
          messageBody,
        ).map((batch) => ({
          name: DELIVERY_BATCH_JOB,
          data: batch,
          opts: {
            ...deliveryJobOptions(retries),
            jobId: deliveryBatchJobId(batch.endpointId, batch.events),
          },
        }));
        // Marking and enqueueing run at once (MySQL and Redis); the claim commits only if both
        // succeeded, so a failed enqueue still leaves the events to a later pass.
        await Promise.all([
          connection.execute(
            `UPDATE outbox_event SET dispatched_at = ? WHERE id IN (${rows.map(() => '?').join(',')})`,
            [toSqlDate(new Date()), ...rows.map((row) => row.id)],
            'run',
            trx,
          ),
          jobs.length > 0 ? this.batches.addBulk(jobs) : undefined,
        ]);
        return rows.length;
      },
      { isolationLevel: IsolationLevel.READ_COMMITTED },
    );
  }
}

export function toRelayedEvent(row: OutboxRow): RelayedEvent {
  return {
    id: String(row.id),
    type: row.type,
    objectType: row.object_type,
    objectId: Number(row.object_id),
    customerId: row.customer_id === null ? null : Number(row.customer_id),
    sequence: row.sequence === null ? null : Number(row.sequence),
    actor: row.actor,
    jobId: row.job_id === null ? null : Number(row.job_id),
    payload: typeof row.payload === 'string' ? row.payload : JSON.stringify(row.payload),
    createdAt: fromSqlDate(row.created_at) ?? new Date(),
  };
}

/**
 * The Standard Webhooks body: `{type, timestamp, data}`. `data` is the event's payload (admin views,
 * never password hashes) after the object it is about and, per customer, the `sequence` by which
 * consumers order events. The stored payload text is spliced in as it is, not parsed and re-encoded.
 */
export function messageBody(event: RelayedEvent): string {
  const head = JSON.stringify({
    eventId: Number(event.id),
    objectType: event.objectType,
    objectId: event.objectId,
    customerId: event.customerId,
    sequence: event.sequence,
    actor: event.actor,
    jobId: event.jobId,
  });
  const payload = event.payload.trim();
  const inner = payload.startsWith('{') ? payload.slice(1, -1).trim() : '';
  const data = inner ? `${head.slice(0, -1)},${inner}}` : head;
  return `{"type":${JSON.stringify(event.type)},"timestamp":${JSON.stringify(event.createdAt.toISOString())},"data":${data}}`;
}
