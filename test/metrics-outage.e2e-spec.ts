import { ChildProcess, spawn } from 'node:child_process';
import Redis from 'ioredis';
import { startTestApp, TestApp } from './support/app';
import { eventually } from './support/browser';
import { freePort, valueOf, parseMetrics } from './support/prometheus';
import { assertChildrenAllowed, trackChild } from './support/child-processes';

/** A redis-server of this test's own (the shared one is never stopped), on a fixed port so it can come back. */
class PrivateRedis {
  private child: ChildProcess | undefined;

  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return (
      this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null
    );
  }

  async start(): Promise<void> {
    if (this.running) return;
    assertChildrenAllowed();
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    trackChild(child, `private redis-server :${this.port}`);
    this.child = child;
    const answers = async () => {
      const client = new Redis(this.port, '127.0.0.1', {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      try {
        await client.connect();
        return (await client.ping()) === 'PONG';
      } catch {
        return false;
      } finally {
        client.disconnect();
      }
    };
    expect(await eventually(answers, true, 15_000)).toBe(true);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    this.child = undefined;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}

/** GET /metrics, whatever it answers. */
async function scrapeStatus(port: number): Promise<{ status: number; text: string; ms: number }> {
  const started = Date.now();
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  return { status: response.status, text: await response.text(), ms: Date.now() - started };
}

describe('Prometheus metrics while Redis is down', () => {
  let redis: PrivateRedis;
  let test: TestApp;
  let port: number;

  beforeAll(async () => {
    redis = new PrivateRedis(await freePort());
    await redis.start();
    port = await freePort();
    test = await startTestApp({ REDIS_URL: redis.url, METRICS_PORT: String(port) });
  });

  afterAll(async () => {
    // Up again (if a failed test left it down), so the app's clients close cleanly.
    await redis?.start().catch(() => undefined);
    await test?.close();
    await redis?.stop();
  });

  it('fails the scrape within seconds instead of reporting an empty queue, and recovers', async () => {
    const before = await scrapeStatus(port);
    expect(before.status).toBe(200);
    expect(
      valueOf(parseMetrics(before.text), 'clientele_queue_jobs', {
        queue: 'bulk-jobs',
        state: 'waiting',
      }),
    ).toBe(0);

    await redis.stop();
    // The reading cached before the outage may be served for up to 5 s; then the scrape fails.
    const failed = await eventually(async () => (await scrapeStatus(port)).status, 503, 20_000);
    expect(failed).toBe(503);
    const during = await scrapeStatus(port);
    expect(during.status).toBe(503);
    expect(during.text).toMatch(/could not be collected/);
    expect(during.ms).toBeLessThan(5_000);

    await redis.start();
    expect(await eventually(async () => (await scrapeStatus(port)).status, 200, 20_000)).toBe(200);
  }, 60_000);
});
