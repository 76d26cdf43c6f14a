import { Inject, Injectable } from '@nestjs/common';
import { getStorageToken } from '@nestjs/throttler';
import { createHash } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { TooManyAttempts } from '../common/domain-errors';
import { RedisThrottlerStorage } from './redis-throttler.storage';

/**
 * Throttles failed logins per username and per client IP. Only failures count; once a limit is
 * reached, every attempt for that username or from that IP is 429 until the window passes.
 */
@Injectable()
export class LoginAttempts {
  constructor(
    @Inject(getStorageToken()) private readonly storage: RedisThrottlerStorage,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async assertAllowed(ip: string, username: string): Promise<void> {
    const [byIp, byUser] = await Promise.all([
      this.storage.blockedFor(ip, 'login-ip'),
      this.storage.blockedFor(userKey(username), 'login-username'),
    ]);
    const wait = Math.max(byIp, byUser);
    if (wait > 0) throw new TooManyAttempts(Math.ceil(wait / 1000));
  }

  async recordFailure(ip: string, username: string): Promise<void> {
    const windowMs = this.config.loginThrottleWindowSeconds * 1000;
    // The storage blocks once hits exceed the limit; we want the limit-th failure to block.
    await Promise.all([
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
    ]);
  }
}

/** Usernames are case-insensitive; hash them so keys stay short and never hold odd bytes. */
const userKey = (username: string) =>
  createHash('sha256').update(username.toLowerCase()).digest('hex').slice(0, 32);
