import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { WebhookEndpoint } from '../webhook-endpoint.entity';

/** One attempt to deliver one event to one endpoint, successful or not. */
@Entity({ tableName: 'webhook_delivery' })
@Index({ name: 'webhook_delivery_endpoint_idx', properties: ['endpoint', 'id'] })
@Index({ name: 'webhook_delivery_event_idx', properties: ['endpoint', 'eventId', 'succeeded'] })
@Index({ name: 'webhook_delivery_created_idx', properties: ['createdAt'] })
export class WebhookDelivery {
  [OptionalProps]?: 'statusCode' | 'error' | 'createdAt';

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
