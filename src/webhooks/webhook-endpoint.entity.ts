import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';

/** Why an endpoint stopped receiving deliveries; null while it is enabled or was switched off by hand. */
export type WebhookDisabledReason = 'gone' | 'failing';

/**
 * A webhook consumer: where events go and which ones. Secrets are stored encrypted (AES-256-GCM,
 * see SecretBox), never in clear. After a rotation the previous secret keeps signing for a while so
 * consumers can switch without losing a delivery.
 */
@Entity({ tableName: 'webhook_endpoint' })
export class WebhookEndpoint {
  [OptionalProps]?:
    | 'description'
    | 'enabled'
    | 'previousSecretEncrypted'
    | 'previousSecretExpiresAt'
    | 'failingSince'
    | 'disabledReason'
    | 'createdAt'
    | 'updatedAt';

  @PrimaryKey({ type: 'integer', unsigned: true, autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 2048 })
  url!: string;

  /** Event types, or `["*"]` for all. */
  @Property({ type: 'json' })
  events!: string[];

  @Property({ type: 'string', length: 255, nullable: true })
  description: string | null = null;

  @Property({ type: 'boolean' })
  enabled: boolean = true;

  @Property({ type: 'string', length: 255, lazy: true, hidden: true })
  secretEncrypted!: string;

  @Property({ type: 'string', length: 255, nullable: true, lazy: true, hidden: true })
  previousSecretEncrypted: string | null = null;

  @Property({ type: 'datetime', length: 3, nullable: true })
  previousSecretExpiresAt: Date | null = null;

  /** Start of the current run of failed deliveries; cleared by any success. */
  @Property({ type: 'datetime', length: 3, nullable: true })
  failingSince: Date | null = null;

  @Property({ type: 'string', length: 16, nullable: true })
  disabledReason: WebhookDisabledReason | null = null;

  @Property({ type: 'datetime', length: 3 })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', length: 3, onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
