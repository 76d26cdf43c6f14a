import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { RedisAvailability } from './redis-availability';
import { BULL_CLUSTER_CLIENT, endNow, REDIS, RedisClient } from './redis-client';
import { createRedisClient, redisKeyspace } from './redis-connection';

export { REDIS, BULL_CLUSTER_CLIENT };
export { bullConnection } from './redis-connection';

/**
 * ioredis prints every connection error of a client without an 'error' listener (during a
 * failover, "All sentinels are unreachable" every few milliseconds). RedisAvailability reports
 * outages once, in the log and in /health/ready.
 */
function quietAboutOutages(client: RedisClient): RedisClient {
  client.on('error', () => undefined);
  return client;
}

@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(
    @Inject(REDIS) private readonly redis: RedisClient,
    @Inject(BULL_CLUSTER_CLIENT) private readonly bullCluster: RedisClient | null,
    private readonly availability: RedisAvailability,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    const clients = [this.redis, this.bullCluster].filter((client) => client !== null);
    // A QUIT is only answered by a Redis that is there.
    if (this.availability.status().state === 'unreachable') clients.forEach(endNow);
    else await Promise.all(clients.map((client) => client.quit().catch(() => endNow(client))));
  }
}

/**
 * One shared ioredis client whose keys all start with `<REDIS_PREFIX>:` (`{REDIS_PREFIX}:` in a
 * Cluster), and whether Redis is usable.
 */
@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        quietAboutOutages(
          createRedisClient(config, {
            keyPrefix: `${redisKeyspace(config)}:`,
            maxRetriesPerRequest: 2,
            enableOfflineQueue: true,
          }),
        ),
    },
    {
      provide: BULL_CLUSTER_CLIENT,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        config.redisClusterNodes.length > 0
          ? quietAboutOutages(createRedisClient(config, { maxRetriesPerRequest: null }))
          : null,
    },
    RedisCloser,
    RedisAvailability,
  ],
  exports: [REDIS, BULL_CLUSTER_CLIENT, RedisAvailability],
})
export class RedisModule {}
