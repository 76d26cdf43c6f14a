import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/mysql';
import { decodeCursor, isIdCursor, Page, toPage } from '../common/cursor';
import { Conflict, NotFound, ValidationFailed } from '../common/domain-errors';
import { fromSqlDate } from '../common/sql-dates';
import { Deliveries } from './deliveries';
import { DeliveryWakeUps } from './relay';
import { DeliveryState } from './delivery.entities';
import { ListDeliveriesQuery, RecoverEventsDto, ResendEventsDto } from './dto/webhook-input.dto';
import { WebhookEndpoint } from './webhook-endpoint.entity';
import { DeliveriesQueued, WebhookDeliveryView } from './webhook.views';

interface AttemptRow {
  id: string | number;
  event_id: string | number;
  event_type: string;
  attempt: number;
  succeeded: number;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  created_at: string | Date;
  state: DeliveryState | null;
}

/** Administrators' view of deliveries: the attempt log with each delivery's state, resend and recover. */
@Injectable()
export class DeliveryRecovery {
  constructor(
    private readonly em: EntityManager,
    private readonly deliveries: Deliveries,
    private readonly wakeUps: DeliveryWakeUps,
  ) {}

  /** Attempts, newest first; with `state`, only those of deliveries now in that state. */
  async attempts(id: number, query: ListDeliveriesQuery): Promise<Page<WebhookDeliveryView>> {
    await this.endpoint(id);
    const where = ['a.endpoint_id = ?'];
    const params: unknown[] = [id];
    if (query.cursor) {
      where.push('a.id < ?');
      params.push(String(decodeCursor(query.cursor, isIdCursor).id));
    }
    if (query.state) {
      where.push('d.state = ?');
      params.push(query.state);
    }
    const rows = await this.em.getConnection().execute<AttemptRow[]>(
      `SELECT a.id, a.event_id, a.event_type, a.attempt, a.succeeded, a.status_code, a.duration_ms, a.error, a.created_at, d.state
         FROM delivery_attempt a
         ${query.state ? '' : 'LEFT '}JOIN event_delivery d ON d.event_id = a.event_id AND d.endpoint_id = a.endpoint_id
        WHERE ${where.join(' AND ')} ORDER BY a.id DESC LIMIT ${query.limit + 1}`,
      params,
    );
    return toPage(rows, query.limit, (row) => ({ id: Number(row.id) }), toAttemptView);
  }

  /** Sends these events to the endpoint again (same `webhook-id`), whatever became of them before. */
  async resend(id: number, dto: ResendEventsDto): Promise<DeliveriesQueued> {
    await this.enabledEndpoint(id);
    const eventIds = dto.eventIds.map(String);
    const list = eventIds.map(() => '?').join(',');
    const known = await this.em
      .getConnection()
      .execute<Array<{ id: string | number }>>(
        `SELECT id FROM outbox_event WHERE id IN (${list})`,
        eventIds,
      );
    const found = new Set(known.map((row) => String(row.id)));
    const missing = eventIds.filter((eventId) => !found.has(eventId));
    if (missing.length > 0) throw new NotFound('Event', missing.join(', '));
    // Also events the endpoint never had (not subscribed then, or created later): asked for, so sent.
    const queued = await this.deliveries.sendAgain(id, { eventIds });
    await this.wakeUps.wake([id]);
    return { queued };
  }

  /** Sends again every event of the window whose delivery to this endpoint ended `failed`. */
  async recover(id: number, dto: RecoverEventsDto): Promise<DeliveriesQueued> {
    const since = dto.since;
    const until = dto.until ?? new Date();
    if (since.getTime() >= until.getTime())
      throw new ValidationFailed([
        { field: 'until', code: 'too_small', message: 'until must be later than since' },
      ]);
    await this.enabledEndpoint(id);
    const queued = await this.deliveries.sendAgain(id, { failedBetween: [since, until] });
    if (queued > 0) await this.wakeUps.wake([id]);
    return { queued };
  }

  private async endpoint(id: number): Promise<WebhookEndpoint> {
    const endpoint = await this.em.fork().findOne(WebhookEndpoint, id);
    if (!endpoint) throw new NotFound('Webhook', id);
    return endpoint;
  }

  /** A disabled endpoint receives nothing: sending to it is refused rather than left pending. */
  private async enabledEndpoint(id: number): Promise<void> {
    if (!(await this.endpoint(id)).enabled)
      throw new Conflict(`Webhook ${id} is disabled; enable it before sending events to it.`);
  }
}

function toAttemptView(row: AttemptRow): WebhookDeliveryView {
  return {
    id: Number(row.id),
    eventId: Number(row.event_id),
    eventType: row.event_type,
    attempt: Number(row.attempt),
    succeeded: Boolean(Number(row.succeeded)),
    statusCode: row.status_code === null ? null : Number(row.status_code),
    durationMs: Number(row.duration_ms),
    error: row.error,
    state: row.state,
    createdAt: (fromSqlDate(row.created_at) ?? new Date(0)).toISOString(),
  };
}
