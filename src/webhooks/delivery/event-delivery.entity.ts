import {
  Entity,
  Index,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  Property,
  Unique,
} from '@mikro-orm/core';
import { WebhookEndpoint } from '../webhook-endpoint.entity';

/** `pending` until a 2xx (`succeeded`) or until the retry schedule is used up (`failed`). */
export type DeliveryState = 'pending' | 'succeeded' | 'failed';
export const DELIVERY_STATES: readonly DeliveryState[] = ['pending', 'succeeded', 'failed'];

/**
 * The delivery of one event to one endpoint: the source of truth for what is still owed. The relay
 * creates it with the claim of its event; attempts (the log, `webhook_delivery`) move it on. A
 * BullMQ job only wakes a worker: `wakeJob` names the job meant to send it next, so the sweep can
 * tell a delivery whose job is gone from one that waits in the queue.
 */
@Entity({ tableName: 'event_delivery' })
@Unique({ name: 'event_delivery_event_endpoint_unique', properties: ['eventId', 'endpoint'] })
@Index({ name: 'event_delivery_due_idx', properties: ['state', 'nextAttemptAt'] })
@Index({ name: 'event_delivery_wake_job_idx', properties: ['wakeJob'] })
@Index({ name: 'event_delivery_endpoint_idx', properties: ['endpoint', 'state', 'createdAt'] })
export class EventDelivery {
  [OptionalProps]?:
    | 'customerId'
    | 'state'
    | 'attempts'
    | 'nextAttemptAt'
    | 'firstAttemptAt'
    | 'lastError'
    | 'wakeJob'
    | 'createdAt'
    | 'updatedAt';

  @PrimaryKey({ type: 'bigint', unsigned: true, autoincrement: true })
  id!: string;

  /** The outbox event, whose id is the `webhook-id` header. */
  @Property({ type: 'bigint', unsigned: true })
  eventId!: string;

  @ManyToOne(() => WebhookEndpoint, { deleteRule: 'cascade', updateRule: 'cascade', index: false })
  endpoint!: WebhookEndpoint;

  /** The event's customer: deliveries are batched by customer, so one batch sends a customer's events in order. */
  @Property({ type: 'integer', unsigned: true, nullable: true })
  customerId: number | null = null;

  @Property({ type: 'string', length: 16 })
  state: DeliveryState = 'pending';

  /** Attempts with a recorded outcome. */
  @Property({ type: 'integer', unsigned: true, default: 0 })
  attempts: number = 0;

  /**
   * While pending: when it is due. A worker that takes it moves this a short lease ahead (and keeps
   * moving it while it sends), so a crashed worker's deliveries fall due again within seconds.
   */
  @Property({ type: 'datetime', length: 3, nullable: true })
  nextAttemptAt: Date | null = null;

  /** The retry schedule counts from here. */
  @Property({ type: 'datetime', length: 3, nullable: true })
  firstAttemptAt: Date | null = null;

  @Property({ type: 'string', length: 500, nullable: true })
  lastError: string | null = null;

  /** The BullMQ job id meant to send it next (never reused, see `wakeKey`). */
  @Property({ type: 'string', length: 80, nullable: true })
  wakeJob: string | null = null;

  /** When the event happened (its outbox row's `created_at`): recovering a time window goes by it. */
  @Property({ type: 'datetime', length: 3 })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', length: 3, onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
