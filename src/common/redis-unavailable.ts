/** Redis's own refusals: a replica (READONLY), out of memory, too few replicas, loading, ... */
const REFUSALS = /^(READONLY|OOM|NOREPLICAS|MISCONF|LOADING|MASTERDOWN|CLUSTERDOWN|TRYAGAIN)\b/;

/**
 * True when ioredis could not run a command because Redis is unreachable or refuses writes, so
 * the request may succeed later: a 503, never a 500.
 */
export function isRedisUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return (
    error.name === 'MaxRetriesPerRequestError' ||
    error.name === 'RedisTimeout' ||
    (error.name === 'ReplyError' && REFUSALS.test(error.message)) ||
    error.message === 'Connection is closed.' ||
    /^Stream isn't writeable/.test(error.message)
  );
}
