import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { APP_CONFIG, AppConfig } from '../config/app-config';

/** Why the service disabled an endpoint; null while enabled or when switched off by hand. */
export type WebhookDisabledReason = 'gone' | 'failing';

/** Where events go, and which ones. Secrets are stored sealed by SecretBox, never in clear. */
@Entity({ tableName: 'webhook_endpoint' })
export class WebhookEndpoint {
  // Nullable properties are optional to `em.create` already.
  [OptionalProps]?: 'enabled' | 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: 'integer', unsigned: true, autoincrement: true }) id!: number;
  @Property({ type: 'string', length: 2048 }) url!: string;
  /** Event types, or `["*"]` for all. */
  @Property({ type: 'json' }) events!: string[];
  @Property({ type: 'string', length: 255, nullable: true }) description: string | null = null;
  @Property({ type: 'boolean' }) enabled: boolean = true;

  @Property({ type: 'string', length: 255, lazy: true, hidden: true })
  secretEncrypted!: string;
  // After a rotation the previous secret signs too, so consumers can switch without a lost delivery.
  @Property({ type: 'string', length: 255, nullable: true, lazy: true, hidden: true })
  previousSecretEncrypted: string | null = null;
  @Property({ type: 'datetime', length: 3, nullable: true })
  previousSecretExpiresAt: Date | null = null;

  /** Start of the current run of failed deliveries; cleared by any success. */
  @Property({ type: 'datetime', length: 3, nullable: true }) failingSince: Date | null = null;
  /** While failing, deliveries wait until then (database clock) for one to probe; also its lease. */
  @Property({ type: 'datetime', length: 3, nullable: true }) probeAt: Date | null = null;
  /** Why the endpoint itself failed (no answer, or a secret that cannot be read). */
  @Property({ type: 'string', length: 500, nullable: true }) lastError: string | null = null;
  @Property({ type: 'string', length: 16, nullable: true })
  disabledReason: WebhookDisabledReason | null = null;

  @Property({ type: 'datetime', length: 3 }) createdAt: Date = new Date();
  @Property({ type: 'datetime', length: 3, onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}

/** Public, so never safe: it only spares development the setup of SECRET_ENCRYPTION_KEY. */
const DEVELOPMENT_KEY = 'c1e7e1e0de7e1e0de7e1e0de7e1e0de7c1e7e1e0de7e1e0de7e1e0de7e1e0de7';
const FORMAT = 'v1';

/**
 * AES-256-GCM for webhook secrets at rest, as `v1:<iv>:<tag>:<ciphertext>` in base64url: a
 * database dump alone does not reveal them, since the key lives in the environment.
 */
@Injectable()
export class SecretBox {
  private readonly key: Buffer;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    if (config.secretEncryptionKey === undefined) {
      new Logger('SecretBox').warn(
        'SECRET_ENCRYPTION_KEY is not set: webhook secrets are encrypted with a PUBLIC DEVELOPMENT KEY. Set it (openssl rand -hex 32) before production use.',
      );
    }
    this.key = Buffer.from(config.secretEncryptionKey ?? DEVELOPMENT_KEY, 'hex');
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [FORMAT, iv, cipher.getAuthTag(), ciphertext]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join(':');
  }

  open(sealed: string): string {
    const [format, iv, tag, ciphertext] = sealed.split(':');
    if (format !== FORMAT || !iv || !tag || ciphertext === undefined)
      throw new Error('not a sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const plain = decipher.update(Buffer.from(ciphertext, 'base64url'));
    return Buffer.concat([plain, decipher.final()]).toString('utf8');
  }
}

/** A new Standard Webhooks secret: `whsec_` and 32 random bytes in base64. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}
