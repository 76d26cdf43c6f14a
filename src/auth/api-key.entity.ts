import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, Ref } from '@mikro-orm/core';
import { Administrator } from './administrator.entity';

export type ApiKeyAccess = 'full' | 'read-only';
export const API_KEY_ACCESS: readonly ApiKeyAccess[] = ['full', 'read-only'];

/**
 * A key for automation, acting as its administrator. Only the SHA-256 of the key is stored; every
 * request looks its row up by that hash (one indexed read), so revocation and expiry hold at once
 * in every process. A revoked key keeps its row, so the audit trail's `apikey:<id>` stays readable.
 */
@Entity({ tableName: 'api_key' })
export class ApiKey {
  [OptionalProps]?:
    'access' | 'allowedIps' | 'expiresAt' | 'lastUsedAt' | 'lastUsedIp' | 'createdAt' | 'revokedAt';

  @PrimaryKey({ type: 'integer', unsigned: true, autoincrement: true })
  id!: number;

  @ManyToOne(() => Administrator, { ref: true, deleteRule: 'cascade' })
  administrator!: Ref<Administrator>;

  @Property({ type: 'string', length: 100 })
  name!: string;

  @Property({ type: 'string', length: 64, unique: 'api_key_key_hash_unique' })
  keyHash!: string;

  @Property({ type: 'string', length: 16 })
  access: ApiKeyAccess = 'full';

  /** Addresses or CIDR ranges (normalised); null: any address. */
  @Property({ type: 'json', nullable: true })
  allowedIps: string[] | null = null;

  @Property({ type: 'datetime', length: 3, nullable: true })
  expiresAt: Date | null = null;

  @Property({ type: 'datetime', length: 3, nullable: true })
  lastUsedAt: Date | null = null;

  @Property({ type: 'string', length: 45, nullable: true })
  lastUsedIp: string | null = null;

  @Property({ type: 'datetime', length: 3 })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', length: 3, nullable: true })
  revokedAt: Date | null = null;
}
