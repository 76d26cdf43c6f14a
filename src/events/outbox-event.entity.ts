import { Entity, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { EventObjectType, EventType } from './event-types';

/**
 * Transactional outbox: every change of a customer, subscription or domain writes one row here in
 * the same transaction as the change. The same rows are the audit trail (`actor`), and the relay
 * turns them into deliveries in MySQL after commit (`dispatchedAt`); the delivery queue only wakes
 * workers.
 */
@Entity({ tableName: 'outbox_event' })
@Index({ name: 'outbox_event_object_idx', properties: ['objectType', 'objectId', 'id'] })
@Index({ name: 'outbox_event_customer_idx', properties: ['customerId', 'id'] })
@Index({ name: 'outbox_event_undispatched_idx', properties: ['dispatchedAt', 'id'] })
export class OutboxEvent {
  [OptionalProps]?: 'createdAt' | 'dispatchedAt' | 'customerId' | 'sequence' | 'jobId';

  @PrimaryKey({ type: 'bigint', unsigned: true, autoincrement: true })
  id!: string;

  @Property({ type: 'string', length: 64 })
  type!: EventType;

  @Property({ type: 'string', length: 16 })
  objectType!: EventObjectType;

  @Property({ type: 'integer', unsigned: true })
  objectId!: number;

  /** The customer the object belongs to, if any: audit queries and per-customer ordering. */
  @Property({ type: 'integer', unsigned: true, nullable: true })
  customerId: number | null = null;

  /** Per-customer, monotonically increasing (from `customer.event_sequence`). */
  @Property({ type: 'integer', unsigned: true, nullable: true })
  sequence: number | null = null;

  /** `admin:<id>`, `customer:<id>` or `system`. */
  @Property({ type: 'string', length: 64 })
  actor!: string;

  /** The bulk job that caused it, if any. */
  @Property({ type: 'integer', unsigned: true, nullable: true })
  jobId: number | null = null;

  @Property({ type: 'json' })
  payload!: Record<string, unknown>;

  @Property({ type: 'datetime', length: 3 })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', length: 3, nullable: true })
  dispatchedAt: Date | null = null;
}
