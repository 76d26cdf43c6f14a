import { DeadlockException, LockWaitTimeoutException } from '@mikro-orm/core';

/** Lock conflicts worth an immediate retry of the same statement or transaction. */
const LOCK_CONFLICT_ERRNOS = new Set([1205, 1213]);
const LOCK_CONFLICT_CODES = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT']);

/** A deadlock or a lock wait timeout, whether the driver's error or MikroORM's wrapping of it. */
export function isLockConflict(error: unknown): boolean {
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
 * Runs `work` (one statement, or a whole transaction) again when it ends on a lock conflict, up
 * to `attempts` times with a short random pause: InnoDB rolls back a deadlock's victim, so a
 * second try usually passes. Any other error, or the last conflict, is thrown.
 */
export async function retryOnLockConflict<T>(work: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || !isLockConflict(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));
    }
  }
}
