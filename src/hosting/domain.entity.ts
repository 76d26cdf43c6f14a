import {
  Entity,
  Index,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  Property,
  Ref,
} from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Customer } from './customer.entity';
import { Subscription } from './subscription.entity';
import { SuspensionStatus } from './suspension-reason';

/**
 * A domain of one subscription. `name` is the lower-case punycode form, unique across the system;
 * `unicodeName` is what people read. `customer` repeats the subscription's owner (it never
 * changes) so that customer-wide cascades and lists need no join. Both foreign keys cascade on delete.
 */
@Entity({ tableName: 'domain' })
@Index({ name: 'domain_subscription_idx', properties: ['subscription', 'id'] })
@Index({ name: 'domain_customer_idx', properties: ['customer', 'id'] })
export class Domain {
  [OptionalProps]?: 'status' | 'guid' | 'suspendedReasons' | 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: 'integer', unsigned: true, autoincrement: true })
  id!: number;

  @ManyToOne(() => Subscription, { ref: true, deleteRule: 'cascade', index: false })
  subscription!: Ref<Subscription>;

  @ManyToOne(() => Customer, { ref: true, deleteRule: 'cascade', index: false })
  customer!: Ref<Customer>;

  @Property({ type: 'string', length: 253, unique: 'domain_name_unique' })
  name!: string;

  @Property({ type: 'string', length: 253 })
  unicodeName!: string;

  /** Fixed at creation, for integrations (Plesk's `guid`). */
  @Property({ type: 'string', length: 36, unique: 'domain_guid_unique' })
  guid: string = randomUUID();

  @Property({ type: 'string', length: 16 })
  status: SuspensionStatus = 'active';

  /** Bit set of `SuspensionReason`: `admin` and `subscription`. */
  @Property({ type: 'tinyint', unsigned: true, default: 0 })
  suspendedReasons: number = 0;

  @Property({ type: 'datetime', length: 3 })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', length: 3, onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
