import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

export type CustomerStatus = 'active' | 'suspended';
export const CUSTOMER_STATUSES: readonly CustomerStatus[] = ['active', 'suspended'];

/**
 * A customer account. `username` is unique case-insensitively through the column's
 * case-insensitive collation (utf8mb4_unicode_ci). Optional contact fields are NULL when unset.
 */
@Entity({ tableName: 'customer' })
export class Customer {
  [OptionalProps]?:
    'status' | 'guid' | 'locale' | 'createdAt' | 'updatedAt' | 'version' | 'eventSequence';

  @PrimaryKey({ type: 'integer', unsigned: true, autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 60, unique: 'customer_username_unique' })
  username!: string;

  @Property({ type: 'string', length: 255, lazy: true, hidden: true })
  passwordHash!: string;

  @Property({ type: 'string', length: 60 })
  name!: string;

  @Property({ type: 'string', length: 60, nullable: true })
  company: string | null = null;

  @Property({ type: 'string', length: 255, index: 'customer_email_idx' })
  email!: string;

  @Property({ type: 'string', length: 30, nullable: true })
  phone: string | null = null;

  @Property({ type: 'string', length: 30, nullable: true })
  fax: string | null = null;

  @Property({ type: 'string', length: 255, nullable: true })
  address: string | null = null;

  @Property({ type: 'string', length: 50, nullable: true })
  city: string | null = null;

  @Property({ type: 'string', length: 50, nullable: true })
  state: string | null = null;

  @Property({ type: 'string', length: 16, nullable: true })
  postalCode: string | null = null;

  @Property({ type: 'string', length: 2, nullable: true })
  country: string | null = null;

  @Property({ type: 'string', length: 35 })
  locale: string = 'en-US';

  @Property({ type: 'text', nullable: true })
  additionalInfo: string | null = null;

  /** Staff only: never in a response, event or page a customer can reach. */
  @Property({ type: 'text', nullable: true })
  description: string | null = null;

  @Property({ type: 'string', length: 255, nullable: true, unique: 'customer_external_id_unique' })
  externalId: string | null = null;

  /** Fixed at creation, for integrations (Plesk's `guid`). */
  @Property({ type: 'string', length: 36, unique: 'customer_guid_unique' })
  guid: string = randomUUID();

  @Property({ type: 'string', length: 16, index: 'customer_status_idx' })
  status: CustomerStatus = 'active';

  /** Why the customer is suspended (staff only, like `description`); null while active or when none was given. */
  @Property({ type: 'string', length: 255, nullable: true })
  suspensionReason: string | null = null;

  /** When the current suspension began; null while active. Indexed for `suspendedBefore`. */
  @Property({ type: 'datetime', length: 3, nullable: true, index: 'customer_suspended_at_idx' })
  suspendedAt: Date | null = null;

  /** Who suspended it: `admin:<id>`, `apikey:<id>` or `job:<id>` (a scheduled job); null while active. */
  @Property({ type: 'string', length: 64, nullable: true })
  suspendedBy: string | null = null;

  /** Last `sequence` given to an event about this customer; events carry it for ordering. */
  @Property({ type: 'integer', unsigned: true, default: 0 })
  eventSequence: number = 0;

  @Property({ type: 'datetime', length: 3 })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', length: 3, onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  @Property({ type: 'integer', unsigned: true, version: true })
  version!: number;
}
