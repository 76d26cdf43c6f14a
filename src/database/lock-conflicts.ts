import { DeadlockException, LockWaitTimeoutException, OptimisticLockError } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/mysql';
import { readYourCluster } from './cluster-reads';
import {
  recordTransactionGivenUp,
  recordTransactionRetry,
  TransactionRetryReason,
} from '../metrics/availability-metrics';

/**
 * Tries of one transaction or statement, the first included. Two nodes writing the same row
 * without pause (the fault test) needed more than 8; with pauses capped at MAX_PAUSE_MS, 12 tries
 * wait about 5 s at the most.
 */
const ATTEMPTS = 12;
const MAX_PAUSE_MS = 1_000;
/**
 * First pause before a retry, doubled at each attempt, and the actual pause a random fraction of
 * it ("full jitter"): writers that collided must not collide again in step. A Galera node that is
 * not ready yet (joining, resyncing) needs longer than a deadlock's victim: about 4 s in all.
 */
const FIRST_PAUSE_MS: Record<TransactionRetryReason, number> = {
  deadlock: 10,
  'lock-wait-timeout': 10,
  'stale-version': 10,
  'node-not-ready': 50,
};

/**
 * Why a statement or transaction may pass when tried again, or null:
 * - 1213: a deadlock, or on Galera a certification conflict with another node's commit (at COMMIT);
 * - 1205: a lock wait timeout;
 * - 1047 "WSREP has not yet prepared node for application use": a Galera node out of the primary
 *   component or still joining (1047 is also MySQL's "unknown command", hence the message check);
 * - MikroORM's OptimisticLockError: a versioned row changed although the transaction had locked
 *   it, which only a commit through another Galera node does (a stale If-Match is a domain error,
 *   PreconditionFailed, and never retried).
 * Looks through `cause` chains, as MikroORM wraps driver errors.
 */
export function retryReason(error: unknown): TransactionRetryReason | null {
  for (
    let current: unknown = error, depth = 0;
    current instanceof Error && depth < 5;
    current = (current as { cause?: unknown }).cause, depth += 1
  ) {
    if (current instanceof DeadlockException) return 'deadlock';
    if (current instanceof LockWaitTimeoutException) return 'lock-wait-timeout';
    if (current instanceof OptimisticLockError) return 'stale-version';
    const { errno, code } = current as { errno?: unknown; code?: unknown };
    if (errno === 1213 || code === 'ER_LOCK_DEADLOCK') return 'deadlock';
    if (errno === 1205 || code === 'ER_LOCK_WAIT_TIMEOUT') return 'lock-wait-timeout';
    if (errno === 1047 && /WSREP/i.test(current.message)) return 'node-not-ready';
  }
  return null;
}

/** A deadlock (or certification conflict) or a lock wait timeout. */
export function isLockConflict(error: unknown): boolean {
  const reason = retryReason(error);
  return reason === 'deadlock' || reason === 'lock-wait-timeout';
}

/**
 * Runs `work` (one statement, or a whole transaction) again when it ends on a conflict or a Galera
 * node that is not ready, up to `attempts` tries with growing, jittered pauses: InnoDB rolls back
 * a deadlock's victim and Galera a certification loser, so another try usually passes. Every
 * retry is counted (clientele_transaction_retries_total). Any other error, or the last
 * conflict, is thrown.
 */
export async function retryOnLockConflict<T>(
  work: () => Promise<T>,
  attempts = ATTEMPTS,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      const reason = retryReason(error);
      if (reason === null) throw error;
      if (attempt >= attempts) {
        recordTransactionGivenUp();
        throw error;
      }
      recordTransactionRetry(reason);
      const pause =
        Math.random() * Math.min(FIRST_PAUSE_MS[reason] * 2 ** (attempt - 1), MAX_PAUSE_MS);
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

/**
 * `em.transactional`, tried again as a whole on a deadlock, a Galera certification conflict or a
 * node that is not ready. Inside an outer transaction it is a plain nested one: a conflict rolls
 * back the outer transaction too, so only the outermost may try again.
 */
export function retriedTransaction<T>(
  em: EntityManager,
  work: (em: EntityManager) => Promise<T>,
  options?: Parameters<EntityManager['transactional']>[1],
): Promise<T> {
  if (em.isInTransaction()) return em.transactional(work, options);
  let tries = 0;
  return retryOnLockConflict(() => {
    tries += 1;
    // A retry starts from an empty identity map. MikroORM merges a transaction's entities into
    // the parent EntityManager before its COMMIT, so a COMMIT that failed (a Galera certification
    // conflict) leaves the parent holding the attempt's uncommitted state, such as a bumped
    // version; a retry that copied it would write against that version and fail every time.
    const retryOptions = tries > 1 ? { ...options, clear: true } : options;
    return em.transactional(async (tx) => {
      // A retry follows another node's commit, which this Galera node may not have applied yet:
      // without a causal read it would read the old row (and its old version) again and again.
      if (tries > 1) await readYourCluster(tx);
      return work(tx);
    }, retryOptions);
  });
}
