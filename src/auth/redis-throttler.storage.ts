import { Inject, Injectable } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import Redis from 'ioredis';
import { REDIS } from '../redis/redis.module';

// Atomic: count a hit in a window and start a block once the limit is passed.
const INCREMENT = `
local blocked = redis.call('PTTL', KEYS[2])
if blocked > 0 then
  return {tonumber(redis.call('GET', KEYS[1]) or '0'), redis.call('PTTL', KEYS[1]), 1, blocked}
end
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if hits > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  return {hits, ttl, 1, tonumber(ARGV[3])}
end
return {hits, ttl, 0, 0}
`;

/**
 * `@nestjs/throttler` storage in Redis, so limits hold across every API process of a deployment.
 * Adds `blockedFor`, which looks without counting (the login limiter counts only failures).
 */
@Injectable()
export class RedisThrottlerStorage implements ThrottlerStorage {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    const [hits, timeToExpire, isBlocked, timeToBlockExpire] = (await this.redis.eval(
      INCREMENT,
      2,
      this.hitsKey(throttlerName, key),
      this.blockKey(throttlerName, key),
      ttl,
      limit,
      blockDuration,
    )) as [number, number, number, number];
    return {
      totalHits: hits,
      timeToExpire: Math.ceil(Math.max(timeToExpire, 0) / 1000),
      isBlocked: isBlocked === 1,
      timeToBlockExpire: Math.ceil(timeToBlockExpire / 1000),
    };
  }

  /** Milliseconds left of a block, 0 when not blocked. */
  async blockedFor(key: string, throttlerName: string): Promise<number> {
    return Math.max(0, await this.redis.pttl(this.blockKey(throttlerName, key)));
  }

  private hitsKey(name: string, key: string) {
    return `throttle:${name}:${key}`;
  }

  private blockKey(name: string, key: string) {
    return `throttle:${name}:${key}:blocked`;
  }
}
