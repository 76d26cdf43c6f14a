export type ProcessRole = 'all' | 'api' | 'worker';

export interface RedisNode {
  host: string;
  port: number;
}

/** The validated configuration of one process. Built once from the environment by `loadConfig`. */
export interface AppConfig {
  nodeEnv: string;
  port: number;
  /** Where this process serves GET /metrics (Prometheus); 0 turns it off. Never the API's port. */
  metricsPort: number;
  /** A worker-only process answers /health/live and /health/ready here; 0 = off. */
  healthPort: number;
  processRole: ProcessRole;
  databaseUrl: string;
  databasePoolMax: number;
  redisUrl: string;
  redisPrefix: string;
  /** Sentinels that name the Redis primary (REDIS_URL then gives only password and db); empty: none. */
  redisSentinels: RedisNode[];
  redisSentinelName: string;
  /** Seed nodes of a Redis Cluster; empty: REDIS_URL (or the Sentinels) name one primary. */
  redisClusterNodes: RedisNode[];
  adminUsername: string;
  adminPassword: string | undefined;
  logLevel: string;
  tokenTtlSeconds: number;
  loginMaxFailuresPerUsername: number;
  loginMaxFailuresPerIp: number;
  loginThrottleWindowSeconds: number;
  trustProxy: boolean;
  bulkChunkSize: number;
  /** Customers per chunk while webhook endpoints listen (pacing on), if smaller than bulkChunkSize. */
  bulkPacedChunkSize: number;
  workerConcurrency: number;
  /** Due or in-flight webhook deliveries above which a bulk job waits (bounded) before its next chunk; 0: never. */
  bulkPaceBacklog: number;
  /** How often the repeatable job applies and lifts the `expired` reason of subscriptions. */
  subscriptionExpiryIntervalMs: number;
  secretEncryptionKey: string | undefined;
  webhookAllowPrivateTargets: boolean;
  webhookConcurrency: number;
  /** Deliveries per wake-up job at their first attempt (a retry is a batch of one). */
  webhookBatchSize: number;
  /** How long one delivery may take before it counts as failed. */
  webhookTimeoutMs: number;
  /** When retries happen, counted from the first attempt (the Standard Webhooks schedule). */
  webhookRetryScheduleMs: number[];
  /** An endpoint that has failed without a success for this long is disabled. */
  webhookDisableAfterMs: number;
  /** Days that finished work (succeeded deliveries, relayed events, finished bulk jobs) is kept. */
  retentionDays: number;
  /** How often the sweep relays events a crash left in the outbox and wakes deliveries whose job is gone. */
  relaySweepIntervalMs: number;
}

export const APP_CONFIG = Symbol('APP_CONFIG');
