import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { assertChildrenAllowed, trackChild } from './child-processes';
import { freePort } from './private-redis';
import { answers } from './sentinel';

/** A Redis Cluster of three masters (no replicas) on 127.0.0.1. */
export interface RedisClusterSetup {
  /** REDIS_CLUSTER_NODES for the application. */
  nodes: string;
  ports: number[];
  /** Kills every node and removes the directory (call in afterAll). */
  remove(): Promise<void>;
}

/**
 * `redis-server --cluster-enabled yes` three times, then `redis-cli --cluster create`, which
 * splits the 16384 slots among them; resolves once every node reports `cluster_state:ok`.
 */
export async function startRedisCluster(): Promise<RedisClusterSetup> {
  const dir = mkdtempSync(join(tmpdir(), 'clientele-redis-cluster-'));
  const servers: Array<{ child: ChildProcess; exited: Promise<void> }> = [];
  const ports: number[] = [];
  const remove = async () => {
    for (const { child } of servers) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    await Promise.all(servers.map((server) => server.exited));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < 3; i += 1) {
      const port = await freePort();
      assertChildrenAllowed();
      const child = spawn(
        'redis-server',
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
        { stdio: 'ignore', cwd: dir },
      );
      trackChild(child, `redis cluster node :${port}`);
      servers.push({
        child,
        exited: new Promise((resolve) => child.once('exit', () => resolve())),
      });
      ports.push(port);
      await answers(port);
    }
    await promisify(execFile)('redis-cli', [
      '--cluster',
      'create',
      ...ports.map((port) => `127.0.0.1:${port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    await Promise.all(ports.map((port) => clusterOk(port)));
  } catch (error) {
    await remove();
    throw error;
  }
  return { nodes: ports.map((port) => `127.0.0.1:${port}`).join(','), ports, remove };
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
