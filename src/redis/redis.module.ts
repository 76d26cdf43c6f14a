import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { RedisAvailability } from './redis-availability';
import { REDIS } from './redis-client';

export { REDIS };

/** BullMQ connection options for this deployment: every queue lives under `REDIS_PREFIX`. */
export function bullConnection(config: AppConfig) {
  const url = new URL(config.redisUrl);
  return {
    connection: {
      host: url.hostname,
      port: url.port ? Number(url.port) : 6379,
      username: url.username ? decodeURIComponent(url.username) : undefined,
      password: url.password ? decodeURIComponent(url.password) : undefined,
      db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
      tls: url.protocol === 'rediss:' ? {} : undefined,
      maxRetriesPerRequest: null,
    },
    prefix: `${config.redisPrefix}:bull`,
  };
}

@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}
  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** One shared ioredis client whose keys all start with `<REDIS_PREFIX>:`, and whether Redis is usable. */
@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new Redis(config.redisUrl, {
          keyPrefix: `${config.redisPrefix}:`,
          maxRetriesPerRequest: 2,
          enableOfflineQueue: true,
        }),
    },
    RedisCloser,
    RedisAvailability,
  ],
  exports: [REDIS, RedisAvailability],
})
export class RedisModule {}
