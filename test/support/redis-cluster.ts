import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { freePort } from './private-redis';
import { oneShotClient, redisServers } from './redis-servers';

/** A Redis Cluster of three masters on 127.0.0.1, each with `replicas` replicas. */
export interface RedisClusterSetup {
  /** REDIS_CLUSTER_NODES for the application. */
  nodes: string;
  ports: number[];
  /** The port of the master that serves `key`'s hash slot now. */
  masterOf(key: string): Promise<number>;
  /** SIGKILLs the master serving `key`; resolves with its port once it is gone. */
  killMasterOf(key: string): Promise<number>;
  /** Resolves once a replica has taken `key`'s slot over from `port` and the cluster is ok. */
  failedOverFrom(key: string, port: number, timeoutMs?: number): Promise<number>;
  /** Kills every node and removes the directory (call in afterAll). */
  remove(): Promise<void>;
}

/**
 * `redis-server --cluster-enabled yes` for each node, then `redis-cli --cluster create`, which
 * splits the 16384 slots among three masters and gives each its replicas; resolves once every
 * node reports `cluster_state:ok`. Nodes time out after 2 s, so a failover takes seconds.
 */
export async function startRedisCluster(replicas = 0): Promise<RedisClusterSetup> {
  const servers = redisServers('redis-cluster');
  const ports: number[] = [];
  const remove = () => servers.remove();
  try {
    for (let i = 0; i < 3 * (1 + replicas); i += 1) {
      const port = await freePort();
      await servers.start(
        port,
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          `nodes-${port}.conf`,
          '--cluster-node-timeout',
          '2000',
          '--save',
          '',
          '--appendonly',
          'no',
          '--maxmemory-policy',
          'noeviction',
        ],
        'redis cluster node',
      );
      ports.push(port);
    }
    await promisify(execFile)('redis-cli', [
      '--cluster',
      'create',
      ...ports.map((port) => `127.0.0.1:${port}`),
      '--cluster-replicas',
      String(replicas),
      '--cluster-yes',
    ]);
    await Promise.all(ports.map((port) => clusterOk(port)));
    if (replicas > 0) await Promise.all(ports.map((port) => replicasLinked(port)));
  } catch (error) {
    await remove();
    throw error;
  }
  const masterOf = (key: string) => slotMaster(servers.live(), key);
  return {
    nodes: ports.map((port) => `127.0.0.1:${port}`).join(','),
    ports,
    masterOf,
    killMasterOf: async (key) => {
      const port = await masterOf(key);
      await servers.kill(port);
      return port;
    },
    failedOverFrom: async (key, port, timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const now = await masterOf(key).catch(() => port);
        if (now !== port) {
          await clusterOk(now, Math.max(1, deadline - Date.now()));
          return now;
        }
        if (Date.now() > deadline) throw new Error(`no failover from :${port} in ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    remove,
  };
}

/** The master of `key`'s slot, as the first live node that answers sees it (`CLUSTER SLOTS`). */
async function slotMaster(live: number[], key: string): Promise<number> {
  for (const port of live) {
    const client = oneShotClient(port);
    try {
      await client.connect();
      const slot = Number(await client.call('CLUSTER', 'KEYSLOT', key));
      const ranges = (await client.call('CLUSTER', 'SLOTS')) as Array<
        [number, number, [string, number, ...unknown[]], ...unknown[]]
      >;
      const range = ranges.find(([from, to]) => from <= slot && slot <= to);
      if (range) return Number(range[2][1]);
    } catch {
      // This node is gone or not ready: ask the next one.
    } finally {
      client.disconnect();
    }
  }
  throw new Error(`no live node names a master for ${key}`);
}

/** Resolves once the node on `port` sees its master link up (replicas) or a connected replica (masters). */
async function replicasLinked(port: number, timeoutMs = 30_000): Promise<void> {
  const client = new Redis({ port, host: '127.0.0.1' });
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const info = String(await client.info('replication'));
      if (/master_link_status:up/.test(info) || /connected_slaves:[1-9]/.test(info)) return;
      if (Date.now() > deadline) throw new Error(`cluster node :${port} has no replication link`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    client.disconnect();
  }
}

async function clusterOk(port: number, timeoutMs = 30_000): Promise<void> {
  const client = new Redis({ port, host: '127.0.0.1' });
  try {
    const deadline = Date.now() + timeoutMs;
    while (!String(await client.call('CLUSTER', 'INFO')).includes('cluster_state:ok')) {
      if (Date.now() > deadline) throw new Error(`cluster node :${port} is not ok`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    client.disconnect();
  }
}
