import Redis, { Cluster, ClusterOptions, RedisOptions } from 'ioredis';
import { AppConfig } from '../config/app-config';
import { recordRedisReconnect } from '../metrics/availability-metrics';
import { RedisClient } from './redis-client';

/**
 * How every Redis connection of a process is built, for the three topologies of
 * docs/high-availability.md: one server (REDIS_URL), a primary found through Sentinels
 * (REDIS_SENTINELS), or a Redis Cluster (REDIS_CLUSTER_NODES).
 */

/**
 * The prefix of every key of the deployment. In a Cluster it is a hash tag, `{clientele}`, so
 * that all keys land in one slot: BullMQ's scripts and the throttle's touch several keys at once.
 */
export function redisKeyspace(config: AppConfig): string {
  return config.redisClusterNodes.length > 0 ? `{${config.redisPrefix}}` : config.redisPrefix;
}

/** Where BullMQ keeps the queues (`<keyspace>:bull:<queue>:...`). */
export function bullPrefix(config: AppConfig): string {
  return `${redisKeyspace(config)}:bull`;
}

/**
 * A demoted primary answers writes with READONLY until the connection is dropped. Behind Sentinels
 * a new connection goes to whatever primary they now name: reconnect. The command itself fails
 * (a 503 for a request, a retry for BullMQ) rather than being sent again, which could repeat
 * forever while the Sentinels still name the old primary, and hold up a shutdown meanwhile.
 * Without Sentinels a reconnect would reach the same replica, so READONLY is only reported.
 */
function reconnectOnReadOnly(error: Error): boolean {
  if (!error.message.startsWith('READONLY')) return false;
  recordRedisReconnect('readonly');
  return true;
}

/** Credentials, db and TLS from REDIS_URL, and the Sentinels when there are some. */
export function redisServerOptions(config: AppConfig): RedisOptions {
  const url = new URL(config.redisUrl);
  const sentinels = config.redisSentinels;
  return {
    ...(sentinels.length > 0
      ? { sentinels, name: config.redisSentinelName, reconnectOnError: reconnectOnReadOnly }
      : { host: url.hostname, port: url.port ? Number(url.port) : 6379 }),
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
    tls: url.protocol === 'rediss:' ? {} : undefined,
  };
}

function clusterOptions(options: RedisOptions): ClusterOptions {
  const { keyPrefix, enableOfflineQueue, maxRetriesPerRequest, ...server } = options;
  // A Cluster has no db and no host of its own: the nodes come from REDIS_CLUSTER_NODES.
  const { db: _db, host: _host, port: _port, ...perNode } = server;
  return {
    keyPrefix,
    enableOfflineQueue,
    redisOptions: { ...perNode, maxRetriesPerRequest },
    // Slots move after a failover: ask again at once rather than after the default 5 s.
    slotsRefreshTimeout: 2_000,
  };
}

/** A client for this deployment's topology. `extra` adds options such as a key prefix. */
export function createRedisClient(config: AppConfig, extra: RedisOptions = {}): RedisClient {
  const options = { ...redisServerOptions(config), ...extra };
  return config.redisClusterNodes.length > 0
    ? new Cluster(config.redisClusterNodes, clusterOptions(options))
    : new Redis(options);
}

/**
 * BullMQ's connection for this deployment. BullMQ builds its own clients from plain options
 * (so Sentinels are followed by every queue and worker), but a Cluster must be given as a client:
 * that one is shared by the queues of the process, and closed by RedisModule at shutdown.
 */
export function bullConnection(config: AppConfig, clusterClient?: RedisClient) {
  return {
    connection:
      config.redisClusterNodes.length > 0 && clusterClient
        ? clusterClient
        : { ...redisServerOptions(config), maxRetriesPerRequest: null },
    prefix: bullPrefix(config),
  };
}
