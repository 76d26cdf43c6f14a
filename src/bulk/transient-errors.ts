import { DeadlockException, LockWaitTimeoutException } from '@mikro-orm/core';
import { isDatabaseUnreachable } from '../database/database-unreachable';

/** Lock conflicts worth an immediate retry of the same transaction: lock wait timeout, deadlock. */
const LOCK_CONFLICT_ERRNOS = new Set([1205, 1213]);
const LOCK_CONFLICT_CODES = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT']);

function isLockConflict(error: unknown): boolean {
  for (
    let current: unknown = error, depth = 0;
    current instanceof Error && depth < 5;
    current = (current as { cause?: unknown }).cause, depth += 1
  ) {
    if (current instanceof DeadlockException || current instanceof LockWaitTimeoutException)
      return true;
    const { errno, code } = current as { errno?: unknown; code?: unknown };
    if (typeof errno === 'number' && LOCK_CONFLICT_ERRNOS.has(errno)) return true;
    if (typeof code === 'string' && LOCK_CONFLICT_CODES.has(code)) return true;
  }
  return false;
}

/**
 * True for failures that a retry of the same transaction can get past: lock conflicts, and a
 * database that is (briefly) unreachable. A longer outage outlasts a chunk's retries; the chunk
 * then rethrows it (see BulkChunkRunner) and the job waits for the database without spending an
 * attempt (DatabaseAvailability).
 */
export function isTransient(error: unknown): boolean {
  return isLockConflict(error) || isDatabaseUnreachable(error);
}
