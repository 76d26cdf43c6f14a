import Redis from 'ioredis';
import { bearer, loginAdmin, startTestApp, TestApp } from '../support/app';
import { eventually } from '../support/eventually';
import { freePort, PrivateRedis } from '../support/private-redis';

const DELIVERIES = 100_000;
const MB = 1024 * 1024;

const count = async (test: TestApp, sql: string, params: unknown[] = []) =>
  Number((await test.em().getConnection().execute<Array<{ n: number }>>(sql, params))[0].n);

/**
 * A dead endpoint costs database rows, not Redis: 100,000 deliveries pending to a port nobody
 * listens on grow a private Redis by less than 10 MB, and the endpoint is probed with one
 * delivery at a time (one attempt per probe, the rest never attempted).
 */
describe('a dead endpoint', () => {
  let redis: PrivateRedis | undefined;
  let test: TestApp | undefined;

  afterAll(async () => {
    await test?.close();
    await redis?.stop();
  });

  it('holds 100,000 pending deliveries in MySQL with under 10 MB of Redis, probing it one delivery at a time', async () => {
    redis = await PrivateRedis.start();
    test = await startTestApp({
      PROCESS_ROLE: 'all',
      REDIS_URL: redis.url,
      RELAY_SWEEP_INTERVAL_MS: '500',
      WEBHOOK_RETRY_SCHEDULE_MS: '1000,2000,60000',
    });
    const app = test;
    const token = await loginAdmin(app);
    const dead = `http://127.0.0.1:${await freePort()}/gone-away`;
    const hook = (
      await app
        .http()
        .post('/api/v1/webhooks')
        .set(bearer(token))
        .send({ url: dead, events: ['customer.updated'] })
        .expect(201)
    ).body as { id: number };
    const client = new Redis(redis.url);
    const usedMemory = async () =>
      Number(/used_memory:(\d+)/.exec(await client.info('memory'))?.[1] ?? NaN);
    const before = await usedMemory();

    // Committed elsewhere (as by another process): only the sweep relays them.
    await app
      .em()
      .getConnection()
      .execute(
        `INSERT INTO outbox_event (type, object_type, object_id, customer_id, sequence, actor, payload, created_at)
       SELECT 'customer.updated', 'customer', 1 + seq MOD 10000, 1 + seq MOD 10000, seq, 'system', '{}', UTC_TIMESTAMP(3)
         FROM seq_1_to_${DELIVERIES}`,
      );
    const pending = () =>
      count(
        app,
        `SELECT COUNT(*) AS n FROM event_delivery WHERE endpoint_id = ? AND state = 'pending'`,
        [hook.id],
      );
    expect(await eventually(pending, DELIVERIES, 240_000)).toBe(DELIVERIES);
    // Probes at 1 s and 2 s after the endpoint began to fail, then not before a minute.
    const attempts = () =>
      count(app, 'SELECT COUNT(*) AS n FROM delivery_attempt WHERE endpoint_id = ?', [hook.id]);
    expect(await eventually(async () => (await attempts()) >= 3, true, 30_000)).toBe(true);
    const after = await usedMemory();
    const jobs = await client.keys('*webhook-delivery*');
    client.disconnect();
    process.stdout.write(
      `dead endpoint: ${DELIVERIES} pending, ${await attempts()} attempts, Redis used_memory ${(before / MB).toFixed(2)} -> ${(after / MB).toFixed(2)} MB, ${jobs.length} delivery queue keys\n`,
    );
    expect(after - before).toBeLessThan(10 * MB);
    // The first round's failures plus one per probe: nowhere near one per delivery.
    expect(await attempts()).toBeLessThan(100);
    const view = await app.http().get(`/api/v1/webhooks/${hook.id}`).set(bearer(token)).expect(200);
    expect(view.body).toMatchObject({ enabled: true, failingSince: expect.any(String) });
    expect(view.body.lastError).toMatch(/ECONNREFUSED|connect/i);
  }, 400_000);
});
