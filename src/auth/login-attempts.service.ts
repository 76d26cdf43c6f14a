import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { TooManyAttempts } from '../common/domain-errors';
import { RedisAvailability } from '../redis/redis-availability';
import { REDIS, RedisClient } from '../redis/redis-client';
import { withinRedisDeadline } from '../redis/redis-deadline';

/** A throttle command slower than this is given up: a login never waits on a struggling Redis. */
const THROTTLE_TIMEOUT_MS = 1_000;
/** While Redis is away, say so in the log at most this often. */
const WARN_EVERY_MS = 10_000;

// Atomic: count a failure in its window, and block for a window once the limit is reached.
// KEYS[1] counts, KEYS[2] marks the block; both share the client's key prefix, so in a Redis
// Cluster (`{REDIS_PREFIX}:`) they are in one slot, as a script needs.
const COUNT_FAILURE = `
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
if hits >= tonumber(ARGV[2]) then redis.call('SET', KEYS[2], '1', 'PX', ARGV[1]) end
return hits
`;

type Throttle = 'login-ip' | 'login-username';

/**
 * Throttles failed logins per username and per client IP. Only failures count, which is why this
 * is not @nestjs/throttler (its guard counts every request); once a limit is reached, every
 * attempt for that username or from that IP is 429 until the window passes.
 *
 * The counts live in Redis, so limits hold across every API process. While Redis is unreachable
 * or refuses writes, logins go on without throttling (passwords are still checked, sessions live
 * in MySQL) rather than lock everyone out during a failover; the log says so (README, "Outages").
 */
@Injectable()
export class LoginAttempts {
  private readonly logger = new Logger(LoginAttempts.name);
  private lastWarning = 0;

  constructor(
    @Inject(REDIS) private readonly redis: RedisClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly availability: RedisAvailability,
  ) {}

  async assertAllowed(ip: string, username: string): Promise<void> {
    const waits = await this.unlessRedisIsAway(() =>
      Promise.all([
        this.redis.pttl(blockKey('login-ip', ip)),
        this.redis.pttl(blockKey('login-username', userKey(username))),
      ]),
    );
    const wait = Math.max(0, ...(waits ?? []));
    if (wait > 0) throw new TooManyAttempts(Math.ceil(wait / 1000));
  }

  async recordFailure(ip: string, username: string): Promise<void> {
    await this.unlessRedisIsAway(() =>
      Promise.all([
        this.countFailure('login-ip', ip, this.config.loginMaxFailuresPerIp),
        this.countFailure(
          'login-username',
          userKey(username),
          this.config.loginMaxFailuresPerUsername,
        ),
      ]),
    );
  }

  private countFailure(throttle: Throttle, key: string, limit: number): Promise<unknown> {
    const windowMs = this.config.loginThrottleWindowSeconds * 1000;
    return this.redis.eval(
      COUNT_FAILURE,
      2,
      hitsKey(throttle, key),
      blockKey(throttle, key),
      windowMs,
      limit,
    );
  }

  /** Runs a throttle command, or returns null (unthrottled) when Redis cannot answer it now. */
  private async unlessRedisIsAway<T>(command: () => Promise<T>): Promise<T | null> {
    if (!this.availability.isConnected()) {
      this.warnUnthrottled('Redis is unreachable');
      return null;
    }
    try {
      return await withinRedisDeadline(command(), THROTTLE_TIMEOUT_MS, 'login throttle');
    } catch (error) {
      this.availability.reportFailure(error);
      this.warnUnthrottled(error instanceof Error ? error.message : String(error));
      return null;
    }
  }

  private warnUnthrottled(reason: string): void {
    if (Date.now() - this.lastWarning < WARN_EVERY_MS) return;
    this.lastWarning = Date.now();
    this.logger.warn(`login throttle unavailable (${reason}): logins are not throttled meanwhile`);
  }
}

const hitsKey = (throttle: Throttle, key: string) => `throttle:${throttle}:${key}`;
const blockKey = (throttle: Throttle, key: string) => `throttle:${throttle}:${key}:blocked`;

/** Usernames are case-insensitive; hash them so keys stay short and never hold odd bytes. */
const userKey = (username: string) =>
  createHash('sha256').update(username.toLowerCase()).digest('hex').slice(0, 32);
