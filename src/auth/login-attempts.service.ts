import { Inject, Injectable, Logger } from '@nestjs/common';
import { getStorageToken } from '@nestjs/throttler';
import { createHash } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { TooManyAttempts } from '../common/domain-errors';
import { RedisAvailability } from '../redis/redis-availability';
import { RedisThrottlerStorage } from './redis-throttler.storage';

/** A throttle command slower than this is given up: a login never waits on a struggling Redis. */
const THROTTLE_TIMEOUT_MS = 1_000;
/** While Redis is away, say so in the log at most this often. */
const WARN_EVERY_MS = 10_000;

/**
 * Throttles failed logins per username and per client IP. Only failures count; once a limit is
 * reached, every attempt for that username or from that IP is 429 until the window passes.
 *
 * The counts live in Redis. While Redis is unreachable or refuses writes, logins go on without
 * throttling (passwords are still checked, sessions live in MySQL) rather than lock everyone out
 * during a failover; the log says so (README, "Outages").
 */
@Injectable()
export class LoginAttempts {
  private readonly logger = new Logger(LoginAttempts.name);
  private lastWarning = 0;

  constructor(
    @Inject(getStorageToken()) private readonly storage: RedisThrottlerStorage,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly redis: RedisAvailability,
  ) {}

  async assertAllowed(ip: string, username: string): Promise<void> {
    const waits = await this.unlessRedisIsAway(() =>
      Promise.all([
        this.storage.blockedFor(ip, 'login-ip'),
        this.storage.blockedFor(userKey(username), 'login-username'),
      ]),
    );
    const wait = Math.max(0, ...(waits ?? []));
    if (wait > 0) throw new TooManyAttempts(Math.ceil(wait / 1000));
  }

  async recordFailure(ip: string, username: string): Promise<void> {
    const windowMs = this.config.loginThrottleWindowSeconds * 1000;
    // The storage blocks once hits exceed the limit; we want the limit-th failure to block.
    await this.unlessRedisIsAway(() =>
      Promise.all([
        this.storage.increment(
          ip,
          windowMs,
          this.config.loginMaxFailuresPerIp - 1,
          windowMs,
          'login-ip',
        ),
        this.storage.increment(
          userKey(username),
          windowMs,
          this.config.loginMaxFailuresPerUsername - 1,
          windowMs,
          'login-username',
        ),
      ]),
    );
  }

  /** Runs a throttle command, or returns null (unthrottled) when Redis cannot answer it now. */
  private async unlessRedisIsAway<T>(command: () => Promise<T>): Promise<T | null> {
    if (!this.redis.isConnected()) {
      this.warnUnthrottled('Redis is unreachable');
      return null;
    }
    let timeout: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        command(),
        new Promise<never>((_, reject) => {
          timeout = setTimeout(
            () => reject(new Error(`no answer within ${THROTTLE_TIMEOUT_MS} ms`)),
            THROTTLE_TIMEOUT_MS,
          );
        }),
      ]);
    } catch (error) {
      this.redis.reportFailure(error);
      this.warnUnthrottled(error instanceof Error ? error.message : String(error));
      return null;
    } finally {
      clearTimeout(timeout);
    }
  }

  private warnUnthrottled(reason: string): void {
    if (Date.now() - this.lastWarning < WARN_EVERY_MS) return;
    this.lastWarning = Date.now();
    this.logger.warn(`login throttle unavailable (${reason}): logins are not throttled meanwhile`);
  }
}

/** Usernames are case-insensitive; hash them so keys stay short and never hold odd bytes. */
const userKey = (username: string) =>
  createHash('sha256').update(username.toLowerCase()).digest('hex').slice(0, 32);
