import { startTestApp, TestApp } from '../support/app';
import { eventually } from '../support/eventually';
import { freePort, valueOf, parseMetrics } from '../support/prometheus';
import { PrivateRedis } from '../support/private-redis';

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
    redis = await PrivateRedis.start();
    port = await freePort();
    test = await startTestApp({ REDIS_URL: redis.url, METRICS_PORT: String(port) });
  });

  afterAll(async () => {
    await test?.close();
    await redis?.kill();
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

    await redis.kill();
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
