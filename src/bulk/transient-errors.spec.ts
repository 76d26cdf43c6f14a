import {
  DeadlockException,
  LockWaitTimeoutException,
  UniqueConstraintViolationException,
} from '@mikro-orm/core';
import { isTransient } from './transient-errors';

const driverError = (fields: { errno?: number; code?: string }, message = 'driver error') =>
  Object.assign(new Error(message), fields);

describe('which database failures a bulk chunk retries', () => {
  it('retries deadlocks and lock wait timeouts, as MikroORM reports them or as raw driver errors', () => {
    expect(isTransient(new DeadlockException(driverError({ errno: 1213 })))).toBe(true);
    expect(isTransient(new LockWaitTimeoutException(driverError({ errno: 1205 })))).toBe(true);
    expect(isTransient(driverError({ errno: 1213, code: 'ER_LOCK_DEADLOCK' }))).toBe(true);
    expect(isTransient(driverError({ errno: 1205 }))).toBe(true);
  });

  it('retries lost and refused connections, also when wrapped as the cause of another error', () => {
    expect(isTransient(driverError({ code: 'PROTOCOL_CONNECTION_LOST' }))).toBe(true);
    expect(isTransient(driverError({ code: 'ECONNRESET' }))).toBe(true);
    expect(isTransient(driverError({ errno: 2013 }))).toBe(true);
    expect(
      isTransient(
        new Error('transaction failed', { cause: driverError({ code: 'ECONNREFUSED' }) }),
      ),
    ).toBe(true);
  });

  it('does not retry errors a retry cannot fix', () => {
    expect(isTransient(new UniqueConstraintViolationException(driverError({ errno: 1062 })))).toBe(
      false,
    );
    expect(isTransient(driverError({ errno: 1644 }, 'storage quota exceeded'))).toBe(false);
    expect(isTransient(new TypeError('x is undefined'))).toBe(false);
    expect(isTransient('not an error')).toBe(false);
  });
});
