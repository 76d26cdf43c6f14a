import { Entity, Index, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { WebhookEndpoint } from '../webhook-endpoint.entity';

/**
 * `pending` until a 2xx (`succeeded`) or until the retry schedule is used up (`failed`); `paused`
 * while its endpoint is disabled (enabling it makes them pending again, in order).
 */
export const DELIVERY_STATES = ['pending', 'paused', 'succeeded', 'failed'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/**
 * The delivery of one event to one endpoint, the truth of what is owed: BullMQ jobs only wake a
 * worker, which finds what is due here. Written with SQL only, by deliveries.ts.
 */
@Entity({ tableName: 'event_delivery' })
@Unique({ name: 'event_delivery_event_endpoint_unique', properties: ['eventId', 'endpoint'] })
@Index({ name: 'event_delivery_due_idx', properties: ['endpoint', 'state', 'nextAttemptAt'] })
@Index({
  name: 'event_delivery_order_idx',
  properties: ['endpoint', 'customerId', 'state', 'eventId'],
})
@Index({ name: 'event_delivery_endpoint_idx', properties: ['endpoint', 'state', 'createdAt'] })
@Index({ name: 'event_delivery_retention_idx', properties: ['state', 'updatedAt'] })
export class EventDelivery {
  @PrimaryKey({ type: 'bigint', unsigned: true, autoincrement: true })
  id!: string;

  /** The outbox event, whose id is the `webhook-id` header. */
  @Property({ type: 'bigint', unsigned: true })
  eventId!: string;

  @ManyToOne(() => WebhookEndpoint, { deleteRule: 'cascade', updateRule: 'cascade', index: false })
  endpoint!: WebhookEndpoint;

  /** The event's customer: a customer's deliveries to an endpoint go one after another, by event id. */
  @Property({ type: 'integer', unsigned: true, nullable: true })
  customerId: number | null = null;

  @Property({ type: 'string', length: 16 })
  state: DeliveryState = 'pending';

  /** Attempts with a recorded outcome. */
  @Property({ type: 'integer', unsigned: true, default: 0 })
  attempts: number = 0;

  /** While pending: when it is due; a worker that takes it moves this a lease ahead. */
  @Property({ type: 'datetime', length: 3, nullable: true })
  nextAttemptAt: Date | null = null;

  /** The retry schedule counts from here. */
  @Property({ type: 'datetime', length: 3, nullable: true })
  firstAttemptAt: Date | null = null;

  @Property({ type: 'string', length: 500, nullable: true })
  lastError: string | null = null;

  /** When the event happened (its outbox row's `created_at`): recovering a time window goes by it. */
  @Property({ type: 'datetime', length: 3 })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', length: 3 })
  updatedAt: Date = new Date();
}

/** One attempt to deliver one event to one endpoint, successful or not. */
@Entity({ tableName: 'delivery_attempt' })
@Index({ name: 'delivery_attempt_endpoint_idx', properties: ['endpoint', 'id'] })
@Index({ name: 'delivery_attempt_event_idx', properties: ['endpoint', 'eventId', 'succeeded'] })
@Index({ name: 'delivery_attempt_created_idx', properties: ['createdAt'] })
export class DeliveryAttempt {
  @PrimaryKey({ type: 'bigint', unsigned: true, autoincrement: true })
  id!: string;

  @ManyToOne(() => WebhookEndpoint, { deleteRule: 'cascade', updateRule: 'cascade', index: false })
  endpoint!: WebhookEndpoint;

  /** The outbox event id, which is also the `webhook-id` header. */
  @Property({ type: 'bigint', unsigned: true })
  eventId!: string;

  @Property({ type: 'string', length: 64 })
  eventType!: string;

  /** 1 for the first try, 2 for the first retry, and so on. */
  @Property({ type: 'integer', unsigned: true })
  attempt!: number;

  @Property({ type: 'boolean' })
  succeeded!: boolean;

  /** The consumer's HTTP status; null when no answer came (timeout, connection refused, refused address). */
  @Property({ type: 'smallint', unsigned: true, nullable: true })
  statusCode: number | null = null;

  @Property({ type: 'integer', unsigned: true })
  durationMs!: number;

  @Property({ type: 'string', length: 500, nullable: true })
  error: string | null = null;

  @Property({ type: 'datetime', length: 3 })
  createdAt: Date = new Date();
}
