import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { assertChildrenAllowed, trackChild } from './child-processes';

/** Private `redis-server` processes (servers, Sentinels, Cluster nodes) in one temporary directory. */
export interface RedisServers {
  dir: string;
  /** Starts `redis-server <args>` (cwd: dir); resolves once it answers PING on `port`. */
  start(port: number, args: string[], description: string): Promise<void>;
  /** SIGKILLs the server on `port` (if this set still runs it); resolves once it has exited. */
  kill(port: number): Promise<void>;
  /** The ports of the servers still running. */
  live(): number[];
  /** Kills every server and removes the directory (call in afterAll). */
  remove(): Promise<void>;
}

export function redisServers(name: string): RedisServers {
  const dir = mkdtempSync(join(tmpdir(), `clientele-${name}-`));
  const servers = new Map<number, { child: ChildProcess; exited: Promise<void> }>();
  const kill = async (port: number) => {
    const server = servers.get(port);
    if (!server) return;
    servers.delete(port);
    if (server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGKILL');
    }
    await server.exited;
  };
  return {
    dir,
    start: async (port, args, description) => {
      assertChildrenAllowed();
      const child = spawn('redis-server', args, { stdio: 'ignore', cwd: dir });
      trackChild(child, `${description} :${port}`);
      servers.set(port, {
        child,
        exited: new Promise((resolve) => child.once('exit', () => resolve())),
      });
      await answers(port);
    },
    kill,
    live: () => [...servers.keys()],
    remove: async () => {
      await Promise.all([...servers.keys()].map(kill));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A client of the local server on `port` that connects when asked and never retries a command. */
export function oneShotClient(port: number): Redis {
  return new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
}

/** Resolves once a Redis server (or Sentinel) on `port` answers PING. */
export async function answers(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = oneShotClient(port);
    try {
      await client.connect();
      if ((await client.ping()) === 'PONG') return;
    } catch {
      if (Date.now() > deadline) throw new Error(`nothing answers on :${port}`);
    } finally {
      client.disconnect();
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
