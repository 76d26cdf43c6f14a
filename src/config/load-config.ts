import { AppConfig, ProcessRole, RedisNode } from './app-config';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const PROCESS_ROLES: readonly ProcessRole[] = ['all', 'api', 'worker'];
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const SECOND = 1000;
const HOUR = 3600 * SECOND;
/** Retries at 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h and 24 h after the first attempt. */
const STANDARD_WEBHOOKS_SCHEDULE_MS = [
  5 * SECOND,
  300 * SECOND,
  1800 * SECOND,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  14 * HOUR,
  20 * HOUR,
  24 * HOUR,
];

/**
 * Reads and validates every variable of `.env.example`. Collects all problems before failing,
 * so an operator fixes a broken environment in one go.
 */
export function loadConfig(env: Env = process.env): AppConfig {
  const problems: string[] = [];
  const read = new EnvReader(env, problems);

  const config: AppConfig = {
    nodeEnv: read.string('NODE_ENV', 'production'),
    port: read.integer('PORT', 3000, 0, 65535),
    metricsPort: read.integer('METRICS_PORT', 9464, 0, 65535),
    healthPort: read.integer('HEALTH_PORT', 0, 0, 65535),
    processRole: read.oneOf('PROCESS_ROLE', PROCESS_ROLES, 'all'),
    databaseUrl: read.url('DATABASE_URL', 'mysql://root@127.0.0.1:3306/clientele', [
      'mysql:',
      'mariadb:',
    ]),
    databasePoolMax: read.integer('DATABASE_POOL_MAX', 10, 1, 500),
    redisUrl: read.url('REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:']),
    redisPrefix: read.matching(
      'REDIS_PREFIX',
      'clientele',
      /^[A-Za-z0-9_.-]{1,64}$/,
      'letters, digits, _ . - (1-64)',
    ),
    redisSentinels: read.redisNodes('REDIS_SENTINELS'),
    redisSentinelName: read.matching(
      'REDIS_SENTINEL_NAME',
      'mymaster',
      /^[A-Za-z0-9_.-]{1,64}$/,
      'letters, digits, _ . - (1-64)',
    ),
    redisClusterNodes: read.redisNodes('REDIS_CLUSTER_NODES'),
    adminUsername: read.matching(
      'ADMIN_USERNAME',
      'admin',
      /^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$/,
      'a username of 1-60 characters [A-Za-z0-9._-]',
    ),
    adminPassword: read.optional('ADMIN_PASSWORD'),
    logLevel: read.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    tokenTtlSeconds: read.integer('TOKEN_TTL_SECONDS', 43200, 60, 2_592_000),
    loginMaxFailuresPerUsername: read.integer('LOGIN_MAX_FAILURES_PER_USERNAME', 5, 1, 10_000),
    loginMaxFailuresPerIp: read.integer('LOGIN_MAX_FAILURES_PER_IP', 50, 1, 100_000),
    loginThrottleWindowSeconds: read.integer('LOGIN_THROTTLE_WINDOW_SECONDS', 900, 1, 86_400),
    trustProxy: read.boolean('TRUST_PROXY', false),
    bulkChunkSize: read.integer('BULK_CHUNK_SIZE', 200, 1, 5000),
    bulkPacedChunkSize: read.integer('BULK_PACED_CHUNK_SIZE', 50, 1, 5000),
    workerConcurrency: read.integer('WORKER_CONCURRENCY', 2, 1, 64),
    bulkPaceBacklog: read.integer('BULK_PACE_BACKLOG', 1000, 0, 1_000_000),
    subscriptionExpiryIntervalMs: read.integer(
      'SUBSCRIPTION_EXPIRY_INTERVAL_MS',
      60_000,
      1_000,
      86_400_000,
    ),
    secretEncryptionKey: read.optional('SECRET_ENCRYPTION_KEY'),
    webhookAllowPrivateTargets: read.boolean('WEBHOOK_ALLOW_PRIVATE_TARGETS', false),
    webhookConcurrency: read.integer('WEBHOOK_CONCURRENCY', 50, 1, 1000),
    webhookBatchSize: read.integer('WEBHOOK_BATCH_SIZE', 50, 1, 1000),
    webhookTimeoutMs: read.integer('WEBHOOK_TIMEOUT_MS', 15_000, 100, 120_000),
    webhookRetryScheduleMs: read.ascendingIntegers(
      'WEBHOOK_RETRY_SCHEDULE_MS',
      STANDARD_WEBHOOKS_SCHEDULE_MS,
      1,
      7 * 86_400_000,
    ),
    webhookDisableAfterMs: read.integer('WEBHOOK_DISABLE_AFTER_MS', 86_400_000, 1, 30 * 86_400_000),
    // WEBHOOK_DELIVERY_RETENTION_DAYS is its old name, still accepted.
    retentionDays: read.integer(
      env.RETENTION_DAYS !== undefined || env.WEBHOOK_DELIVERY_RETENTION_DAYS === undefined
        ? 'RETENTION_DAYS'
        : 'WEBHOOK_DELIVERY_RETENTION_DAYS',
      30,
      1,
      3650,
    ),
    relaySweepIntervalMs: read.integer('RELAY_SWEEP_INTERVAL_MS', 5_000, 100, 3_600_000),
  };

  if (
    config.adminPassword !== undefined &&
    (config.adminPassword.length < 8 || config.adminPassword.length > 255)
  ) {
    problems.push('ADMIN_PASSWORD must be 8-255 characters long');
  }
  // Only an explicit NODE_ENV=production demands the key: with no environment at all the service
  // still starts (on the public development key, with a warning), as a first run should.
  if (env.NODE_ENV === 'production' && config.secretEncryptionKey === undefined) {
    problems.push(
      'SECRET_ENCRYPTION_KEY is required with NODE_ENV=production (64 hex digits, e.g. from `openssl rand -hex 32`): without it webhook secrets would be encrypted with the public development key',
    );
  } else if (
    config.secretEncryptionKey !== undefined &&
    !/^[0-9a-fA-F]{64}$/.test(config.secretEncryptionKey)
  ) {
    problems.push(
      'SECRET_ENCRYPTION_KEY must be 64 hex digits (32 bytes), e.g. from `openssl rand -hex 32`',
    );
  }
  if (config.redisSentinels.length > 0 && config.redisClusterNodes.length > 0) {
    problems.push('set REDIS_SENTINELS or REDIS_CLUSTER_NODES, not both');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

class EnvReader {
  constructor(
    private readonly env: Env,
    private readonly problems: string[],
  ) {}

  optional(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value === '' ? undefined : value;
  }

  string(name: string, fallback: string): string {
    return this.optional(name) ?? fallback;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    if (!/^-?\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      this.problems.push(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return Number(raw);
  }

  /** A comma-separated, strictly ascending list such as `5000,300000`. */
  ascendingIntegers(name: string, fallback: number[], min: number, max: number): number[] {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    const values = raw.split(',').map((part) => part.trim());
    const numbers = values.map(Number);
    const valid =
      values.length <= 20 &&
      values.every((part) => /^\d+$/.test(part)) &&
      numbers.every((n, i) => n >= min && n <= max && (i === 0 || n > numbers[i - 1]));
    if (!valid) {
      this.problems.push(
        `${name} must be 1-20 ascending whole numbers from ${min} to ${max}, separated by commas, got "${raw}"`,
      );
      return fallback;
    }
    return numbers;
  }

  /** A comma-separated list of `host:port`, such as `10.0.0.1:26379,10.0.0.2:26379`; empty: none. */
  redisNodes(name: string): RedisNode[] {
    const raw = this.optional(name);
    if (raw === undefined) return [];
    const nodes = raw.split(',').map((part) => {
      const match = /^\s*([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):(\d{1,5})\s*$/.exec(part);
      const port = Number(match?.[2]);
      return match && port >= 1 && port <= 65535
        ? { host: match[1].replace(/^\[|\]$/g, ''), port }
        : undefined;
    });
    if (nodes.length > 20 || nodes.some((node) => node === undefined)) {
      this.problems.push(`${name} must be 1-20 host:port pairs separated by commas, got "${raw}"`);
      return [];
    }
    return nodes as RedisNode[];
  }

  boolean(name: string, fallback: boolean): boolean {
    const raw = this.optional(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (['true', '1', 'yes'].includes(raw)) return true;
    if (['false', '0', 'no'].includes(raw)) return false;
    this.problems.push(`${name} must be true or false, got "${raw}"`);
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      this.problems.push(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
      return fallback;
    }
    return raw as T;
  }

  matching(name: string, fallback: string, pattern: RegExp, description: string): string {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    if (!pattern.test(raw)) {
      this.problems.push(`${name} must be ${description}, got "${raw}"`);
      return fallback;
    }
    return raw;
  }

  url(name: string, fallback: string, protocols: string[]): string {
    const raw = this.optional(name) ?? fallback;
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      this.problems.push(`${name} must be a URL like ${fallback}, got "${redactUrl(raw)}"`);
      return fallback;
    }
    if (!protocols.includes(url.protocol)) {
      this.problems.push(
        `${name} must start with ${protocols.map((p) => `${p}//`).join(' or ')}, got "${redactUrl(raw)}"`,
      );
    }
    return raw;
  }
}

/** Hides the password of a URL so configuration errors never print credentials. */
export function redactUrl(raw: string): string {
  return raw.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@');
}
