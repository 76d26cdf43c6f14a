import { RedisTimeout } from '../../src/redis/redis-deadline';
import {
  DeliveryWakeUps,
  OutboxRelay,
  RelayTrigger,
  WAKE_UP_DEADLINE_MS,
} from '../../src/webhooks/delivery/relay';
import { bearer, loginAdmin, startTestApp, TestApp } from '../support/app';
import { createCustomer } from '../support/factories';
import { PrivateRedis } from '../support/private-redis';
import { WebhookReceiver } from '../support/webhook-receiver';

/** Margin over the deadline for a loaded machine; far below BullMQ's wait for ever. */
const MARGIN_MS = 5_000;

/**
 * While Redis is down, BullMQ's `add` waits for ever: the relay's wake-up must give up after
 * WAKE_UP_DEADLINE_MS, so that neither a relay pass nor the relay's shutdown (which awaits the
 * pass) hangs. What it relayed stays in MySQL for the sweep to wake.
 */
describe('the relay while Redis is down', () => {
  let redis: PrivateRedis | undefined;
  let test: TestApp | undefined;
  let receiver: WebhookReceiver | undefined;

  afterAll(async () => {
    await test?.close();
    await receiver?.close();
    await redis?.stop();
  });

  it('gives up waking endpoints after its deadline, relays the events all the same, and its shutdown does not wait on Redis', async () => {
    redis = await PrivateRedis.start();
    test = await startTestApp({ PROCESS_ROLE: 'api', REDIS_URL: redis.url });
    const app = test;
    receiver = await WebhookReceiver.start();
    const token = await loginAdmin(app);
    const hook = (
      await app
        .http()
        .post('/api/v1/webhooks')
        .set(bearer(token))
        .send({ url: receiver.url('/all'), events: ['*'] })
        .expect(201)
    ).body as { id: number };
    await createCustomer(app, token);
    // Whatever the commits' own relay passes did, nothing is left to relay now.
    await app.app.get(OutboxRelay).relayAll();

    await redis.kill();
    const wakeStarted = Date.now();
    await expect(app.app.get(DeliveryWakeUps).wake([hook.id])).rejects.toThrow(RedisTimeout);
    expect(Date.now() - wakeStarted).toBeLessThan(WAKE_UP_DEADLINE_MS + MARGIN_MS);

    // An event committed now: a relay pass commits its delivery, then its wake-up gives up.
    const written = await app
      .em()
      .getConnection()
      .execute<Array<{ n: number }>>('SELECT COUNT(*) AS n FROM event_delivery');
    const relayStarted = Date.now();
    await app
      .em()
      .getConnection()
      .execute(
        `INSERT INTO outbox_event (type, object_type, object_id, customer_id, sequence, actor, job_id, payload, created_at)
       SELECT type, object_type, object_id, customer_id, sequence + 1000, actor, job_id, payload, created_at
         FROM outbox_event ORDER BY id DESC LIMIT 1`,
      );
    await expect(app.app.get(OutboxRelay).relayAll()).rejects.toThrow(RedisTimeout);
    expect(Date.now() - relayStarted).toBeLessThan(WAKE_UP_DEADLINE_MS + MARGIN_MS);
    const after = await app
      .em()
      .getConnection()
      .execute<Array<{ n: number }>>('SELECT COUNT(*) AS n FROM event_delivery');
    expect(Number(after[0].n)).toBe(Number(written[0].n) + 1);

    // A pass after a commit, waiting on the dead Redis: the shutdown that awaits it must not hang.
    await app
      .em()
      .getConnection()
      .execute(
        `INSERT INTO outbox_event (type, object_type, object_id, customer_id, sequence, actor, job_id, payload, created_at)
       SELECT type, object_type, object_id, customer_id, sequence + 1, actor, job_id, payload, created_at
         FROM outbox_event ORDER BY id DESC LIMIT 1`,
      );
    const trigger = app.app.get(RelayTrigger);
    trigger.request();
    await new Promise((resolve) => setImmediate(resolve));
    const shutdownStarted = Date.now();
    await trigger.onApplicationShutdown();
    expect(Date.now() - shutdownStarted).toBeLessThan(WAKE_UP_DEADLINE_MS + MARGIN_MS);
    // The rest of the application's shutdown (BullMQ's connections) is not the relay's: Redis comes
    // back before afterAll closes it.
    await redis.start();
  }, 40_000);
});
