import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, Ref } from '@mikro-orm/core';
import { Customer } from '../hosting/customer.entity';
import { Administrator } from './administrator.entity';

export type PrincipalRole = 'admin' | 'customer';

/**
 * One issued access token. Only the SHA-256 of the token is stored; the token itself is shown once
 * at login. Every request checks its row (one indexed read), so revocation is immediate everywhere.
 */
@Entity({ tableName: 'auth_session' })
export class AuthSession {
  [OptionalProps]?: 'createdAt' | 'revokedAt' | 'administrator' | 'customer';

  @PrimaryKey({ type: 'bigint', unsigned: true, autoincrement: true })
  id!: string;

  @Property({ type: 'string', length: 64, unique: 'auth_session_token_hash_unique' })
  tokenHash!: string;

  @Property({ type: 'string', length: 16 })
  role!: PrincipalRole;

  @ManyToOne(() => Administrator, { nullable: true, ref: true, deleteRule: 'cascade' })
  administrator: Ref<Administrator> | null = null;

  /** A removed customer's sessions go with it (ON DELETE CASCADE). */
  @ManyToOne(() => Customer, { nullable: true, ref: true, deleteRule: 'cascade' })
  customer: Ref<Customer> | null = null;

  /** Hash of the CSRF token paired with the session cookie (panel). */
  @Property({ type: 'string', length: 64 })
  csrfHash!: string;

  @Property({ type: 'datetime', length: 3 })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', length: 3 })
  expiresAt!: Date;

  @Property({ type: 'datetime', length: 3, nullable: true })
  revokedAt: Date | null = null;
}
