import { ConnectionException } from '@mikro-orm/core';

/**
 * Replies of the server itself that it cannot serve us now: Galera node out of the primary
 * component (1047), shutting down (1053), read-only after a failover (1290, 1836).
 */
const SERVER_UNAVAILABLE_ERRNOS = new Set([1047, 1053, 1290, 1836]);
/**
 * Client-side: connect failures and lost connections (2002, 2003, 2006, 2013, 2055), a connection
 * the server dropped for idleness (4031).
 */
const UNREACHABLE_ERRNOS = new Set([
  ...SERVER_UNAVAILABLE_ERRNOS,
  2002,
  2003,
  2006,
  2013,
  2055,
  4031,
]);
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
 *
 * Socket codes such as ECONNREFUSED are not proof: any peer (a webhook consumer) can cause them.
 * Where that matters, confirm with the database itself (DatabaseAvailability does).
 */
export function isDatabaseUnreachable(error: unknown): boolean {
  return causes(error).some(
    (current) =>
      current instanceof ConnectionException ||
      hasErrno(current, UNREACHABLE_ERRNOS) ||
      (typeof current.code === 'string' && UNREACHABLE_CODES.has(current.code)) ||
      current.name === 'KnexTimeoutError' ||
      UNREACHABLE_MESSAGES.test(current.message),
  );
}

/** True when MySQL itself replied that it cannot serve us now (no other peer sends these). */
export function isServerUnavailableReply(error: unknown): boolean {
  return causes(error).some((current) => hasErrno(current, SERVER_UNAVAILABLE_ERRNOS));
}

type DriverError = Error & { errno?: unknown; code?: unknown };

function causes(error: unknown): DriverError[] {
  const chain: DriverError[] = [];
  for (
    let current: unknown = error;
    current instanceof Error && chain.length < 5;
    current = (current as { cause?: unknown }).cause
  )
    chain.push(current);
  return chain;
}

const hasErrno = (error: DriverError, errnos: ReadonlySet<number>) =>
  typeof error.errno === 'number' && errnos.has(error.errno);
