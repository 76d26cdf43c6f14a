import { ChildProcess, spawn } from 'node:child_process';
import Redis from 'ioredis';
import { freePort } from './free-port';

/**
 * A redis-server of the test's own, without persistence, for fault tests that stop it, start it
 * again (empty, as after a failover to a fresh node) or turn it into a read-only replica. The
 * shared Redis on 6379 is never touched.
 */
export interface PrivateRedis {
  port: number;
  url: string;
  /** SIGKILLs the server; resolves once it is gone. */
  stop(): Promise<void>;
  /** Starts it again on the same port (empty); resolves once it answers PING. */
  start(): Promise<void>;
  /** Runs one command on it (REPLICAOF, CONFIG SET, ...). */
  command(...args: string[]): Promise<unknown>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let server: { child: ChildProcess; exited: Promise<void> } | undefined;

  const stop = async () => {
    if (!server) return;
    const { child, exited } = server;
    server = undefined;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  const start = async () => {
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    server = { child, exited };
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`redis-server on port ${port} exited`);
      if ((await command('PING').catch(() => null)) === 'PONG') return;
      if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not start`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const command = async (...args: string[]) => {
    const client = new Redis(port, '127.0.0.1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    try {
      await client.connect();
      return await client.call(args[0], ...args.slice(1));
    } finally {
      client.disconnect();
    }
  };

  running.add(stop);
  await start();
  return { port, url: `redis://127.0.0.1:${port}`, stop, start, command };
}

const running = new Set<() => Promise<void>>();

/** Stops every private Redis this file started (call in afterAll). */
export async function stopAllRedis(): Promise<void> {
  await Promise.all([...running].map((stop) => stop()));
  running.clear();
}
