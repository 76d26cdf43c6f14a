import { toProblem } from './problem-details';
import { isRedisUnavailable } from './redis-unavailable';

const named = (name: string, message: string) => Object.assign(new Error(message), { name });

describe('Redis failures that reach a request', () => {
  it('are recognised: retries exhausted, a replica refusing writes, a closed connection', () => {
    expect(
      isRedisUnavailable(named('MaxRetriesPerRequestError', 'Reached the max retries per request')),
    ).toBe(true);
    expect(
      isRedisUnavailable(
        named('ReplyError', "READONLY You can't write against a read only replica."),
      ),
    ).toBe(true);
    expect(isRedisUnavailable(named('ReplyError', 'OOM command not allowed'))).toBe(true);
    expect(isRedisUnavailable(new Error('Connection is closed.'))).toBe(true);
  });

  it('are answered 503 with Retry-After, not 500', () => {
    const problem = toProblem(named('MaxRetriesPerRequestError', 'Reached the max retries'));
    expect(problem.body.status).toBe(503);
    expect(problem.headers['Retry-After']).toBe('5');
  });

  it('leave other errors alone', () => {
    expect(isRedisUnavailable(named('ReplyError', 'ERR wrong number of arguments'))).toBe(false);
    expect(isRedisUnavailable(new TypeError('x is undefined'))).toBe(false);
    expect(isRedisUnavailable(undefined)).toBe(false);
    expect(toProblem(new TypeError('x')).body.status).toBe(500);
  });
});
