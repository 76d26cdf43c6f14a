import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/mysql';
import { toSqlDate } from '../../common/sql-dates';
import { plainRows } from '../../database/plain-rows';
import { LEASE_MS } from './webhook-deliverer';

/**
 * Deliveries to enabled endpoints that are due now or are being sent (a claim leases them
 * LEASE_MS ahead, and the lease is renewed while they are in flight), plus committed events the
 * relay has not turned into deliveries yet (counted only when some endpoint is enabled). Both
 * counts are index ranges (`event_delivery_due_idx`, `outbox_event_undispatched_idx`).
 */
const BACKLOG_SQL = `SELECT
  (SELECT COUNT(*) FROM event_delivery d JOIN webhook_endpoint e ON e.id = d.endpoint_id AND e.enabled = 1
    WHERE d.state = 'pending' AND d.next_attempt_at <= ?)
  + IF(EXISTS (SELECT 1 FROM webhook_endpoint WHERE enabled = 1),
       (SELECT COUNT(*) FROM outbox_event WHERE dispatched_at IS NULL), 0) AS n`;

/** What the workers still have to send: the measure by which bulk jobs pace themselves. */
@Injectable()
export class DeliveryBacklog {
  constructor(private readonly em: EntityManager) {}

  async size(): Promise<number> {
    const [row] = await plainRows<{ n: number | string }>(this.em, BACKLOG_SQL, [
      toSqlDate(new Date(Date.now() + LEASE_MS)),
    ]);
    return Number(row?.n ?? 0);
  }
}
