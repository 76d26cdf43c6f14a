import { OptimisticLockError } from '@mikro-orm/core';
import { metricsRegistry } from '../metrics/registry';
import { retryOnLockConflict, retryReason } from './lock-conflicts';

/** A driver error as mysql2 reports it. */
const driverError = (errno: number, message: string) =>
  Object.assign(new Error(message), { errno, code: `ER_${errno}` });

async function retries(reason: string): Promise<number> {
  const metric = await metricsRegistry
    .getSingleMetric('clientele_transaction_retries_total')
    ?.get();
  return metric?.values.find((sample) => sample.labels.reason === reason)?.value ?? 0;
}

describe('transaction retries', () => {
  it('knows the errors another try can pass: deadlock or certification, lock wait, a Galera node not ready', () => {
    expect(retryReason(driverError(1213, 'Deadlock found when trying to get lock'))).toBe(
      'deadlock',
    );
    expect(retryReason(driverError(1205, 'Lock wait timeout exceeded'))).toBe('lock-wait-timeout');
    expect(
      retryReason(driverError(1047, 'WSREP has not yet prepared node for application use')),
    ).toBe('node-not-ready');
    expect(retryReason(OptimisticLockError.lockFailed('Customer'))).toBe('stale-version');
    const wrapped = Object.assign(new Error('query failed'), { cause: driverError(1213, 'x') });
    expect(retryReason(wrapped)).toBe('deadlock');
  });

  it('never retries other errors, such as a duplicate key or MySQL 1047 without WSREP', () => {
    expect(retryReason(driverError(1062, 'Duplicate entry'))).toBeNull();
    expect(retryReason(driverError(1047, 'Unknown command'))).toBeNull();
    expect(retryReason(new TypeError('x is undefined'))).toBeNull();
  });

  it('tries again until the work passes, and counts each retry', async () => {
    const before = await retries('deadlock');
    let calls = 0;
    const result = await retryOnLockConflict(async () => {
      calls += 1;
      if (calls < 3) throw driverError(1213, 'Deadlock found when trying to get lock');
      return 'done';
    });
    expect(result).toBe('done');
    expect(calls).toBe(3);
    expect(await retries('deadlock')).toBe(before + 2);
  });

  it('gives up after a bounded number of tries and throws the last error', async () => {
    let calls = 0;
    const conflict = driverError(1213, 'Deadlock found when trying to get lock');
    await expect(
      retryOnLockConflict(async () => {
        calls += 1;
        throw conflict;
      }, 4),
    ).rejects.toBe(conflict);
    expect(calls).toBe(4);
  });
});
