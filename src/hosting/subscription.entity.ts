import {
  Entity,
  Index,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  Property,
  Ref,
} from '@mikro-orm/core';
import { Customer } from './customer.entity';
import { SuspensionStatus } from './suspension-reason';

/**
 * A hosting subscription of one customer. `status` and `suspendedReasons` change only through
 * `src/suspension/` (set-based statements keep them consistent: suspended exactly while a reason
 * bit is set). Removing the customer removes its subscriptions (ON DELETE CASCADE).
 */
@Entity({ tableName: 'subscription' })
@Index({ name: 'subscription_customer_idx', properties: ['customer', 'id'] })
/**
 * For the expiry pass: reasons first, then `expiresAt`, so that "not yet expired but due" and
 * "expired but renewed" are each a few index ranges (one per reason set, see
 * `SuspensionService.applyExpiry`) holding exactly the subscriptions that change.
 */
@Index({ name: 'subscription_expiry_idx', properties: ['suspendedReasons', 'expiresAt'] })
export class Subscription {
  [OptionalProps]?: 'status' | 'suspendedReasons' | 'expiresAt' | 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: 'integer', unsigned: true, autoincrement: true })
  id!: number;

  @ManyToOne(() => Customer, { ref: true, deleteRule: 'cascade', index: false })
  customer!: Ref<Customer>;

  /** The main domain's name (punycode); the main domain carries the same name. */
  @Property({ type: 'string', length: 253 })
  name!: string;

  @Property({ type: 'string', length: 253 })
  unicodeName!: string;

  /** The service plan's name. */
  @Property({ type: 'string', length: 100 })
  plan!: string;

  @Property({ type: 'string', length: 16 })
  status: SuspensionStatus = 'active';

  /** Bit set of `SuspensionReason`. */
  @Property({ type: 'tinyint', unsigned: true, default: 0 })
  suspendedReasons: number = 0;

  @Property({ type: 'datetime', length: 3, nullable: true })
  expiresAt: Date | null = null;

  @Property({ type: 'datetime', length: 3 })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', length: 3, onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
