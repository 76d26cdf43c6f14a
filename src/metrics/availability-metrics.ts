import { Counter } from 'prom-client';
import { metricsRegistry } from './registry';

/** Why a transaction was tried again (docs/high-availability.md). */
export type TransactionRetryReason =
  'deadlock' | 'lock-wait-timeout' | 'stale-version' | 'node-not-ready';

const transactionRetries = new Counter({
  name: 'clientele_transaction_retries_total',
  help: 'Transactions tried again after a deadlock or Galera certification conflict (1213), a lock wait timeout (1205), a versioned row changed by a commit through another Galera node, or a Galera node that was not ready (1047), by reason.',
  labelNames: ['reason'] as const,
  registers: [metricsRegistry],
});

const transactionsGivenUp = new Counter({
  name: 'clientele_transaction_retries_exhausted_total',
  help: 'Transactions that still failed for one of those reasons after their last retry.',
  registers: [metricsRegistry],
});

const redisReconnects = new Counter({
  name: 'clientele_redis_reconnects_total',
  help: 'Redis connections dropped and made again on purpose, by why: `readonly` when a demoted primary refused a write (a Sentinel failover).',
  labelNames: ['reason'] as const,
  registers: [metricsRegistry],
});

// Every series exists from the start, so rate() and increase() in alert rules see the first one.
for (const reason of [
  'deadlock',
  'lock-wait-timeout',
  'stale-version',
  'node-not-ready',
] as const) {
  transactionRetries.inc({ reason }, 0);
}
redisReconnects.inc({ reason: 'readonly' }, 0);

export function recordTransactionRetry(reason: TransactionRetryReason): void {
  transactionRetries.inc({ reason });
}

export function recordTransactionGivenUp(): void {
  transactionsGivenUp.inc();
}

export function recordRedisReconnect(reason: 'readonly'): void {
  redisReconnects.inc({ reason });
}
