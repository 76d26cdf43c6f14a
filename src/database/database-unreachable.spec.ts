import {
  ConnectionException,
  DeadlockException,
  UniqueConstraintViolationException,
} from '@mikro-orm/core';
import { isDatabaseUnreachable, isServerUnavailableReply } from './database-unreachable';

const driverError = (fields: { errno?: number; code?: string }, message = 'driver error') =>
  Object.assign(new Error(message), fields);

describe('which failures mean the database is unreachable', () => {
  it('recognises refused and lost connections, also wrapped as the cause of another error', () => {
    expect(isDatabaseUnreachable(driverError({ code: 'ECONNREFUSED' }))).toBe(true);
    expect(isDatabaseUnreachable(driverError({ code: 'PROTOCOL_CONNECTION_LOST' }))).toBe(true);
    expect(isDatabaseUnreachable(new ConnectionException(driverError({ errno: 2013 })))).toBe(true);
    expect(
      isDatabaseUnreachable(
        new Error('transaction failed', { cause: driverError({ code: 'ECONNRESET' }) }),
      ),
    ).toBe(true);
    expect(
      isDatabaseUnreachable(new Error("Can't add new command when connection is in closed state")),
    ).toBe(true);
  });

  it('recognises a Galera node outside the primary component and a read-only server', () => {
    expect(
      isDatabaseUnreachable(driverError({ errno: 1047 }, 'WSREP has not yet prepared node')),
    ).toBe(true);
    expect(isDatabaseUnreachable(driverError({ errno: 1290 }, 'running with --read-only'))).toBe(
      true,
    );
  });

  it('leaves errors that the same statement would hit again to the caller', () => {
    expect(isDatabaseUnreachable(new DeadlockException(driverError({ errno: 1213 })))).toBe(false);
    expect(
      isDatabaseUnreachable(new UniqueConstraintViolationException(driverError({ errno: 1062 }))),
    ).toBe(false);
    expect(isDatabaseUnreachable(new TypeError('x is undefined'))).toBe(false);
    expect(isDatabaseUnreachable('not an error')).toBe(false);
  });

  it('tells refusals by MySQL itself from socket errors that any peer could cause', () => {
    expect(isServerUnavailableReply(driverError({ errno: 1047 }))).toBe(true);
    expect(
      isServerUnavailableReply(new Error('wrapped', { cause: driverError({ errno: 1290 }) })),
    ).toBe(true);
    expect(isServerUnavailableReply(driverError({ code: 'ECONNREFUSED' }))).toBe(false);
    expect(isServerUnavailableReply(new TypeError('fetch failed'))).toBe(false);
  });
});
