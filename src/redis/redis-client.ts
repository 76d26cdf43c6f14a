import type { Cluster, Redis } from 'ioredis';

/** The injection token of the shared ioredis client (RedisModule). */
export const REDIS = Symbol('REDIS');

/** BullMQ's own client in a Redis Cluster (null otherwise): see `bullConnection`. */
export const BULL_CLUSTER_CLIENT = Symbol('BULL_CLUSTER_CLIENT');

/** One server or a primary found through Sentinels (Redis), or a Redis Cluster. */
export type RedisClient = Redis | Cluster;

/**
 * Ends a client at once, failing whatever it still has queued. `disconnect()` alone does not end
 * one that is waiting to reconnect (Redis is down): it cancels the reconnection and leaves the
 * client, and every command queued on it (BullMQ's QUIT on close), waiting for ever. A last
 * connection attempt then ends it, as a manual close, with its queue failed.
 */
export function endNow(client: {
  status: string;
  disconnect(): unknown;
  connect(): Promise<unknown>;
}): void {
  client.disconnect();
  if (client.status === 'reconnecting') client.connect().catch(() => undefined);
}
