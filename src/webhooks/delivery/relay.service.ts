import { Inject, Injectable } from '@nestjs/common';
import { EntityManager, IsolationLevel } from '@mikro-orm/mysql';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { fromSqlDate, toSqlDate } from '../../common/sql-dates';
import { EventObjectType, EventType } from '../../events/event-types';
import { bucketsFor, ENDPOINT_WANTS_EVENT, newWakePrefix, WAKE_JOB_OF } from './event-routing';
import { DeliveryWakeUps } from './wake-ups';

const BATCH = 2000;
// The payload as text: the driver would parse a JSON column only for the sender to encode it again.
export const RELAYED_COLUMNS =
  'id, type, object_type, object_id, customer_id, sequence, actor, job_id, CAST(payload AS CHAR) AS payload, created_at';
/** Claims that run at once in one relay pass. */
const LANES = 2;

/** An outbox row as a delivery reads it: raw, so the payload stays the JSON text it was stored as. */
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
 * Turns committed outbox events into deliveries. A pass claims undispatched rows with FOR UPDATE
 * SKIP LOCKED (so any number of processes can relay at once without relaying an event twice), and
 * in the same transaction creates one `event_delivery` row per enabled endpoint that wants each
 * event (one INSERT ... SELECT) and marks the events dispatched; after the commit it adds the
 * wake-up jobs. If the transaction fails, the claim rolls back and a later pass (or the sweep)
 * relays the events again.
 */
@Injectable()
export class OutboxRelay {
  constructor(
    private readonly em: EntityManager,
    private readonly wakeUps: DeliveryWakeUps,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Relays until nothing undispatched is left; returns how many events it handled. Several claims
   * run at once (SKIP LOCKED keeps them apart), so one claim's commit does not hold up the next events.
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
    const { relayed, wakeUps } = await connection.transactional(
      async (trx) => {
        const rows = await connection.execute<Array<{ id: string | number }>>(
          `SELECT id FROM outbox_event WHERE dispatched_at IS NULL ORDER BY id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
          [],
          'all',
          trx,
        );
        if (rows.length === 0) return { relayed: 0, wakeUps: [] };
        const ids = rows.map((row) => row.id);
        const now = toSqlDate(new Date());
        const prefix = newWakePrefix();
        const created = await connection.execute<{ affectedRows: number }>(
          `INSERT INTO event_delivery (event_id, endpoint_id, customer_id, state, attempts, next_attempt_at, wake_job, created_at, updated_at)
           SELECT o.id, e.id, o.customer_id, 'pending', 0, ?, ${WAKE_JOB_OF('e.id', 'o.customer_id', 'o.id')}, o.created_at, ?
             FROM outbox_event o JOIN webhook_endpoint e ON e.enabled = 1 AND ${ENDPOINT_WANTS_EVENT}
            WHERE o.id IN (${ids.map(() => '?').join(',')})
           ON DUPLICATE KEY UPDATE event_id = event_id`,
          [now, prefix, bucketsFor(ids.length, this.config.webhookBatchSize), now, ...ids],
          'run',
          trx,
        );
        await connection.execute(
          `UPDATE outbox_event SET dispatched_at = ? WHERE id IN (${ids.map(() => '?').join(',')})`,
          [now, ...ids],
          'run',
          trx,
        );
        const wakeUps = created.affectedRows > 0 ? await this.wakeUps.keysUnder(prefix, trx) : [];
        return { relayed: rows.length, wakeUps };
      },
      { isolationLevel: IsolationLevel.READ_COMMITTED },
    );
    // After the commit, so a woken worker finds its deliveries. If this process dies first (or
    // Redis refuses), the deliveries wait in MySQL and the sweep wakes them.
    await this.wakeUps.add(wakeUps);
    return relayed;
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
