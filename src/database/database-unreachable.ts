import { ConnectionException } from '@mikro-orm/core';

/**
 * MySQL/MariaDB error numbers that mean "no usable database right now", not "this statement is
 * wrong": server shutting down (1053), Galera node out of the primary component (1047), read-only
 * after a failover (1290, 1836), client-side connect failures and lost connections (2002, 2003,
 * 2006, 2013, 2055) and a connection the server dropped for idleness (4031).
 */
const UNREACHABLE_ERRNOS = new Set([1047, 1053, 1290, 1836, 2002, 2003, 2006, 2013, 2055, 4031]);
const UNREACHABLE_CODES = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_SERVER_SHUTDOWN',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
/** mysql2 and knex report some of these without a code. */
const UNREACHABLE_MESSAGES =
  /connection is in closed state|Timeout acquiring a connection|Pool is (closed|destroyed)/i;

/**
 * True when an error says the database could not be reached or used at all, so the same work will
 * succeed once it is back. Looks through `cause` chains, as MikroORM wraps driver errors.
 */
export function isDatabaseUnreachable(error: unknown): boolean {
  for (
    let current: unknown = error, depth = 0;
    current instanceof Error && depth < 5;
    current = (current as { cause?: unknown }).cause, depth += 1
  ) {
    if (current instanceof ConnectionException) return true;
    const { errno, code } = current as { errno?: unknown; code?: unknown };
    if (typeof errno === 'number' && UNREACHABLE_ERRNOS.has(errno)) return true;
    if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return true;
    if (current.name === 'KnexTimeoutError' || UNREACHABLE_MESSAGES.test(current.message))
      return true;
  }
  return false;
}
