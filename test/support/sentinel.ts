import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Redis from 'ioredis';
import { freePort } from './private-redis';
import { redisServers } from './redis-servers';

export const SENTINEL_NAME = 'mymaster';

/** A Redis primary, one replica and three Sentinels watching them, all on 127.0.0.1. */
export interface SentinelSetup {
  /** REDIS_SENTINELS for the application. */
  sentinels: string;
  /** The port of the server the Sentinels name as primary now. */
  primaryPort(): Promise<number>;
  /** SIGKILLs the current primary; resolves with its port once it is gone. */
  killPrimary(): Promise<number>;
  /** Resolves once the Sentinels name a primary other than `port`. */
  failedOverFrom(port: number, timeoutMs?: number): Promise<number>;
  /** Kills every process and removes the directory (call in afterAll). */
  remove(): Promise<void>;
}

/**
 * Starts the servers without persistence, and Sentinels quick to act (down after 1 s, a quorum of
 * 2): a failover takes a few seconds instead of the default half minute.
 */
export async function startSentinelSetup(): Promise<SentinelSetup> {
  const servers = redisServers('sentinel');
  const { start, kill } = servers;
  const base = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const sentinelPorts: number[] = [];
  try {
    const primary = await freePort();
    const replica = await freePort();
    await start(primary, ['--port', String(primary), ...base], 'redis primary');
    await start(
      replica,
      ['--port', String(replica), ...base, '--replicaof', '127.0.0.1', String(primary)],
      'redis replica',
    );
    for (let i = 0; i < 3; i += 1) {
      const port = await freePort();
      const conf = join(servers.dir, `sentinel-${port}.conf`);
      writeFileSync(
        conf,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          `sentinel monitor ${SENTINEL_NAME} 127.0.0.1 ${primary} 2`,
          `sentinel down-after-milliseconds ${SENTINEL_NAME} 1000`,
          `sentinel failover-timeout ${SENTINEL_NAME} 5000`,
          `sentinel parallel-syncs ${SENTINEL_NAME} 1`,
          '',
        ].join('\n'),
      );
      await start(port, [conf, '--sentinel'], 'redis sentinel');
      sentinelPorts.push(port);
    }
    // A failover needs the replica known and a majority of Sentinels aware of each other.
    await Promise.all(sentinelPorts.map((port) => awareOfTopology(port)));
  } catch (error) {
    await servers.remove();
    throw error;
  }

  const primaryPort = async () => {
    const sentinel = new Redis({ port: sentinelPorts[0], host: '127.0.0.1', lazyConnect: true });
    try {
      await sentinel.connect();
      const [, port] = (await sentinel.call(
        'SENTINEL',
        'get-master-addr-by-name',
        SENTINEL_NAME,
      )) as [string, string];
      return Number(port);
    } finally {
      sentinel.disconnect();
    }
  };
  return {
    sentinels: sentinelPorts.map((port) => `127.0.0.1:${port}`).join(','),
    primaryPort,
    killPrimary: async () => {
      const port = await primaryPort();
      await kill(port);
      return port;
    },
    failedOverFrom: async (port, timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const now = await primaryPort().catch(() => port);
        if (now !== port) return now;
        if (Date.now() > deadline) throw new Error(`no failover from :${port} in ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    remove: () => servers.remove(),
  };
}

/** Resolves once the Sentinel on `port` knows the replica and the two other Sentinels. */
async function awareOfTopology(port: number, timeoutMs = 60_000): Promise<void> {
  const sentinel = new Redis({ port, host: '127.0.0.1' });
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const replicas = (await sentinel.call('SENTINEL', 'replicas', SENTINEL_NAME)) as unknown[];
      const others = (await sentinel.call('SENTINEL', 'sentinels', SENTINEL_NAME)) as unknown[];
      if (replicas.length >= 1 && others.length >= 2) return;
      if (Date.now() > deadline) throw new Error(`Sentinel :${port} did not see the topology`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    sentinel.disconnect();
  }
}
