import { Cluster } from 'ioredis';
import { loadConfig } from '../config/load-config';
import {
  bullConnection,
  bullPrefix,
  createRedisClient,
  redisKeyspace,
  redisServerOptions,
} from './redis-connection';

describe('Redis connections', () => {
  it('reach one server by REDIS_URL, with its password and db', () => {
    const config = loadConfig({ REDIS_URL: 'redis://:s%40cret@redis.example:6380/2' });
    expect(redisServerOptions(config)).toMatchObject({
      host: 'redis.example',
      port: 6380,
      password: 's@cret',
      db: 2,
    });
    expect(redisServerOptions(config).reconnectOnError).toBeUndefined();
    expect(bullPrefix(config)).toBe('clientele:bull');
  });

  it('ask the Sentinels for the primary, and reconnect when a demoted primary answers READONLY', () => {
    const config = loadConfig({
      REDIS_URL: 'redis://:pw@ignored:6379/1',
      REDIS_SENTINELS: 's1:26379,s2:26379',
      REDIS_SENTINEL_NAME: 'main',
    });
    const options = redisServerOptions(config);
    expect(options).toMatchObject({
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26379 },
      ],
      name: 'main',
      password: 'pw',
      db: 1,
    });
    expect(options.host).toBeUndefined();
    const reconnect = options.reconnectOnError!;
    expect(reconnect(new Error("READONLY You can't write against a read only replica."))).toBe(
      true,
    );
    expect(reconnect(new Error('ERR wrong number of arguments'))).toBe(false);
    // BullMQ builds its own clients from the same options: every queue and worker follows them.
    expect(bullConnection(config).connection).toMatchObject({
      sentinels: options.sentinels,
      name: 'main',
      maxRetriesPerRequest: null,
    });
  });

  it('put every key of a Cluster deployment under one hash tag, and give BullMQ a Cluster client', () => {
    const config = loadConfig({ REDIS_CLUSTER_NODES: 'c1:7000,c2:7001', REDIS_PREFIX: 'acme' });
    expect(redisKeyspace(config)).toBe('{acme}');
    expect(bullPrefix(config)).toBe('{acme}:bull');
    const client = createRedisClient(config, { lazyConnect: true, keyPrefix: '{acme}:' });
    try {
      expect(client).toBeInstanceOf(Cluster);
      expect(client.options.keyPrefix).toBe('{acme}:');
      expect(bullConnection(config, client).connection).toBe(client);
    } finally {
      client.disconnect();
    }
  });
});
