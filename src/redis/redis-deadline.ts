/** A Redis command (or a BullMQ call such as `queue.add`) that did not answer in time. */
export class RedisTimeout extends Error {
  constructor(what: string, ms: number) {
    super(`${what}: no answer from Redis within ${ms} ms`);
    this.name = 'RedisTimeout';
  }
}

/**
 * Waits for a Redis command at most `ms`. BullMQ's clients retry forever while Redis is down
 * (`maxRetriesPerRequest: null`), so an `add` would otherwise hang its caller, and with it a
 * graceful shutdown. The command itself is not cancelled: it may still run once Redis is back,
 * which is why only work that MySQL also records (and a sweep queues again) should give up this way.
 */
export async function withinRedisDeadline<T>(
  command: Promise<T>,
  ms: number,
  what: string,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      command,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new RedisTimeout(what, ms)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
