import { Inject, Injectable } from '@nestjs/common';
import { revokeCustomerSessions } from '../hosting/customer-sessions';
import { EntityManager } from '@mikro-orm/mysql';
import { retryOnLockConflict } from '../database/lock-conflicts';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { plainRows } from '../database/plain-rows';
import { AuthSession, PrincipalRole } from './auth-session.entity';
import { Principal } from './principal';
import { newToken, sha256 } from './session-tokens';

export interface IssuedSession {
  accessToken: string;
  csrfToken: string;
  expiresIn: number;
}

export interface ResolvedSession {
  principal: Omit<Principal, 'via'>;
  csrfHash: string;
}

interface SessionRow {
  id: string | number;
  role: PrincipalRole;
  administrator_id: number | null;
  customer_id: number | null;
  csrf_hash: string;
  admin_username: string | null;
  customer_username: string | null;
  customer_status: string | null;
}

/**
 * The session of a token's SHA-256, with its principal's name and a customer's status. Exported
 * for `bench/scale-baseline-server.ts`, whose requests must pay for the same lookup.
 */
export const SESSION_LOOKUP_SQL = `SELECT s.id, s.role, s.administrator_id, s.customer_id, s.csrf_hash,
       a.username AS admin_username, c.username AS customer_username, c.status AS customer_status
  FROM auth_session s
  LEFT JOIN administrator a ON a.id = s.administrator_id
  LEFT JOIN customer c ON c.id = s.customer_id
 WHERE s.token_hash = ? AND s.revoked_at IS NULL AND s.expires_at > UTC_TIMESTAMP(3)`;

/** Issues, resolves and revokes access tokens. Tokens are opaque; only their hash is stored. */
@Injectable()
export class SessionsService {
  constructor(
    private readonly em: EntityManager,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async issue(role: PrincipalRole, id: number): Promise<IssuedSession> {
    const accessToken = newToken('ct');
    const csrfToken = newToken('csrf');
    const em = this.em.fork();
    const session = em.create(AuthSession, {
      tokenHash: sha256(accessToken),
      csrfHash: sha256(csrfToken),
      role,
      administrator: role === 'admin' ? id : null,
      customer: role === 'customer' ? id : null,
      expiresAt: new Date(Date.now() + this.config.tokenTtlSeconds * 1000),
    });
    await em.persistAndFlush(session);
    return { accessToken, csrfToken, expiresIn: this.config.tokenTtlSeconds };
  }

  /**
   * One indexed read per request. A session of a suspended customer resolves to nothing even
   * before its revocation, so suspension takes effect the moment it commits.
   */
  async resolve(token: string): Promise<ResolvedSession | undefined> {
    const rows = await plainRows<SessionRow>(this.em, SESSION_LOOKUP_SQL, [sha256(token)]);
    const row = rows[0];
    if (!row) return undefined;
    if (row.role === 'customer') {
      if (
        row.customer_id === null ||
        row.customer_status !== 'active' ||
        row.customer_username === null
      )
        return undefined;
      return {
        principal: {
          sessionId: String(row.id),
          role: 'customer',
          id: row.customer_id,
          username: row.customer_username,
          customerId: row.customer_id,
        },
        csrfHash: row.csrf_hash,
      };
    }
    if (row.administrator_id === null || row.admin_username === null) return undefined;
    return {
      principal: {
        sessionId: String(row.id),
        role: 'admin',
        id: row.administrator_id,
        username: row.admin_username,
        customerId: null,
      },
      csrfHash: row.csrf_hash,
    };
  }

  async revoke(sessionId: string): Promise<void> {
    await retryOnLockConflict(() =>
      this.em.execute(
        'UPDATE auth_session SET revoked_at = UTC_TIMESTAMP(3) WHERE id = ? AND revoked_at IS NULL',
        [sessionId],
        'run',
      ),
    );
  }

  /** Revokes every session of the given customers (see revokeCustomerSessions). */
  revokeForCustomers(
    em: EntityManager,
    customerIds: number[],
    exceptSessionId?: string | null,
  ): Promise<void> {
    return revokeCustomerSessions(em, customerIds, exceptSessionId ?? undefined);
  }
}
