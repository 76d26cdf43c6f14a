import { ConnectionException, DeadlockException, LockWaitTimeoutException } from '@mikro-orm/core';

/** MySQL/MariaDB error numbers worth a retry: deadlock, lock wait timeout, server gone, lost connection, read-only failover. */
const TRANSIENT_ERRNOS = new Set([1205, 1213, 1290, 1836, 2006, 2013, 4031]);
const TRANSIENT_CODES = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'ER_LOCK_DEADLOCK',
  'ER_LOCK_WAIT_TIMEOUT',
]);

/** True for failures that a retry of the same transaction can get past. */
export function isTransient(error: unknown): boolean {
  for (
    let current: unknown = error, depth = 0;
    current instanceof Error && depth < 5;
    current = (current as { cause?: unknown }).cause, depth += 1
  ) {
    if (
      current instanceof DeadlockException ||
      current instanceof LockWaitTimeoutException ||
      current instanceof ConnectionException
    )
      return true;
    const { errno, code } = current as { errno?: unknown; code?: unknown };
    if (typeof errno === 'number' && TRANSIENT_ERRNOS.has(errno)) return true;
    if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
  }
  return false;
}

export const describeError = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)).slice(0, 255);
