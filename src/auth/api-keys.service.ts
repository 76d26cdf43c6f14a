import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/mysql';
import { retryOnLockConflict } from '../database/lock-conflicts';
import { Forbidden, NotFound, Unauthenticated, ValidationFailed } from '../common/domain-errors';
import { Administrator } from './administrator.entity';
import { addressAllowed, canonicalRange, unmapIpv4 } from './address-list';
import { ApiKey, ApiKeyAccess } from './api-key.entity';
import { ApiKeyView, CreateApiKeyDto, CreatedApiKeyView } from './dto/api-key.dto';
import { Principal } from './principal';
import { newToken, sha256 } from './session-tokens';

/** Keys start with this (`newToken('ck')`), so people and scanners tell them from session tokens (`ct_`). */
export const API_KEY_PREFIX = 'ck_';

/** `lastUsedAt` is written at most this often per key, so a busy key costs no write per request. */
const LAST_USED_RESOLUTION_SECONDS = 60;

/** What a read-only key may do. */
const READ_METHODS = new Set(['GET', 'HEAD']);

export type ApiKeyCheck =
  { principal: Principal & { apiKeyId: number }; access: ApiKeyAccess } | { refusal: string };

interface KeyRow {
  id: number;
  access: ApiKeyAccess;
  allowed_ips: string[] | string | null;
  expired: number;
  stale: number;
  administrator_id: number;
  username: string;
}

/** API keys: issued to an administrator, shown once, checked in MySQL on every request. */
@Injectable()
export class ApiKeysService {
  constructor(private readonly em: EntityManager) {}

  /**
   * `owner` names the administrator the key acts as (default: the caller). A key cannot create
   * keys: a bound or expiring key must not be able to mint an unbound one.
   */
  async create(
    auth: Principal,
    dto: CreateApiKeyDto,
    owner: string = auth.username,
  ): Promise<CreatedApiKeyView> {
    if (auth.apiKeyId !== undefined)
      throw new Forbidden('An API key cannot create API keys: authenticate with a password.');
    const expiresAt = dto.expiresAt === undefined ? null : new Date(dto.expiresAt);
    if (expiresAt && expiresAt.getTime() <= Date.now())
      throw new ValidationFailed([
        { field: 'expiresAt', message: 'expiresAt must be in the future' },
      ]);
    const allowedIps = dto.allowedIps?.length ? canonicalRanges(dto.allowedIps) : null;

    const em = this.em.fork();
    const administrator = await em.findOne(Administrator, { username: owner });
    if (!administrator)
      throw new ValidationFailed([{ field: 'login', message: `${owner} is not an administrator` }]);
    const key = newToken('ck');
    const apiKey = em.create(ApiKey, {
      administrator,
      name: dto.name,
      keyHash: sha256(key),
      access: dto.access ?? 'full',
      allowedIps,
      expiresAt,
    });
    await em.flush();
    return { ...toApiKeyView(apiKey), key };
  }

  /** Every administrator's keys that still work or may work again (expired ones too), newest first. */
  async list(): Promise<ApiKeyView[]> {
    const keys = await this.em
      .fork()
      .find(ApiKey, { revokedAt: null }, { orderBy: { id: 'desc' } });
    return keys.map(toApiKeyView);
  }

  /** Revocation is one committed UPDATE: the next request with the key fails in every process. */
  async revoke(id: number): Promise<void> {
    const result = await this.em.execute<{ affectedRows: number }>(
      'UPDATE api_key SET revoked_at = UTC_TIMESTAMP(3) WHERE id = ? AND revoked_at IS NULL',
      [id],
      'run',
    );
    if (result.affectedRows === 0) throw new NotFound('API key', id);
  }

  /** Revokes by the key itself (Plesk's `DELETE /api/v2/auth/keys/{key}`). */
  async revokeByKey(key: string): Promise<void> {
    const result = await this.em.execute<{ affectedRows: number }>(
      'UPDATE api_key SET revoked_at = UTC_TIMESTAMP(3) WHERE key_hash = ? AND revoked_at IS NULL',
      [sha256(key)],
      'run',
    );
    if (result.affectedRows === 0) throw new NotFound('API key', 'with this value');
  }

  /**
   * One indexed read per request, like sessions: no cache, so a revocation or an expiry holds at
   * once everywhere. `clientIp` is Fastify's `request.ip` (see TRUST_PROXY).
   */
  async check(key: string, ip: string): Promise<ApiKeyCheck> {
    const clientIp = unmapIpv4(ip);
    const rows = await this.em.execute<KeyRow[]>(
      `SELECT k.id, k.access, k.allowed_ips, a.id AS administrator_id, a.username,
              (k.expires_at IS NOT NULL AND k.expires_at <= UTC_TIMESTAMP(3)) AS expired,
              (k.last_used_at IS NULL OR k.last_used_at <= UTC_TIMESTAMP(3) - INTERVAL ${LAST_USED_RESOLUTION_SECONDS} SECOND) AS stale
         FROM api_key k JOIN administrator a ON a.id = k.administrator_id
        WHERE k.key_hash = ? AND k.revoked_at IS NULL`,
      [sha256(key)],
    );
    const row = rows[0];
    if (!row) return { refusal: 'The API key is unknown or revoked.' };
    if (Number(row.expired)) return { refusal: 'The API key has expired.' };
    const allowed = parseAllowedIps(row.allowed_ips);
    if (allowed && !addressAllowed(allowed, clientIp))
      return { refusal: `The API key may not be used from ${clientIp}.` };
    if (Number(row.stale)) await this.touch(row.id, clientIp);
    return {
      access: row.access,
      principal: {
        sessionId: null,
        role: 'admin',
        id: row.administrator_id,
        username: row.username,
        customerId: null,
        via: 'api-key',
        apiKeyId: row.id,
      },
    };
  }

  /**
   * The principal of a request that sent `key`: 401 when the key is unknown, revoked, expired or
   * used from outside its addresses; 403 when a read-only key tries anything but GET or HEAD.
   */
  async authenticate(key: string, clientIp: string, method: string): Promise<Principal> {
    if (key === '' || key.length > 200)
      throw new Unauthenticated('The API key is unknown or revoked.');
    const checked = await this.check(key, clientIp);
    if ('refusal' in checked) throw new Unauthenticated(checked.refusal);
    if (checked.access === 'read-only' && !READ_METHODS.has(method))
      throw new Forbidden('This API key is read-only: it may only use GET and HEAD.');
    return checked.principal;
  }

  /** Conditional, so concurrent requests in several processes write it once a minute at most. */
  private async touch(id: number, clientIp: string): Promise<void> {
    // Two nodes of a Galera cluster may both write it at once: one gets 1213 and tries again.
    await retryOnLockConflict(() =>
      this.em.execute(
        `UPDATE api_key SET last_used_at = UTC_TIMESTAMP(3), last_used_ip = ?
        WHERE id = ? AND (last_used_at IS NULL OR last_used_at <= UTC_TIMESTAMP(3) - INTERVAL ${LAST_USED_RESOLUTION_SECONDS} SECOND)`,
        [clientIp.slice(0, 45), id],
        'run',
      ),
    );
  }
}

function canonicalRanges(entries: string[]): string[] {
  const ranges = entries.map((entry) => canonicalRange(entry));
  const invalid = ranges.findIndex((range) => range === undefined);
  if (invalid >= 0)
    throw new ValidationFailed([
      { field: `allowedIps.${invalid}`, message: 'must be an IPv4 or IPv6 address or CIDR range' },
    ]);
  return [...new Set(ranges as string[])];
}

/** The driver hands JSON columns over parsed or as text depending on the server: accept both. */
function parseAllowedIps(value: KeyRow['allowed_ips']): string[] | null {
  if (value === null) return null;
  const list: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  return Array.isArray(list) ? list.map(String) : null;
}

export function toApiKeyView(key: ApiKey): ApiKeyView {
  return {
    id: key.id,
    name: key.name,
    access: key.access,
    allowedIps: key.allowedIps,
    expiresAt: key.expiresAt?.toISOString() ?? null,
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    lastUsedIp: key.lastUsedIp,
    createdAt: key.createdAt.toISOString(),
  };
}
