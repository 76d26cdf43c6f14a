import type { Cluster, Redis } from 'ioredis';

/** The injection token of the shared ioredis client (RedisModule). */
export const REDIS = Symbol('REDIS');

/** BullMQ's own client in a Redis Cluster (null otherwise): see `bullConnection`. */
export const BULL_CLUSTER_CLIENT = Symbol('BULL_CLUSTER_CLIENT');

/** One server or a primary found through Sentinels (Redis), or a Redis Cluster. */
export type RedisClient = Redis | Cluster;
