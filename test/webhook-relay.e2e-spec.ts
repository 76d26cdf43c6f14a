import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { createConnection } from 'mysql2/promise';
import type { ResultSetHeader } from 'mysql2';
import { parseDatabaseUrl } from '../src/database/mikro-orm.options';
import { OutboxRelay } from '../src/webhooks/delivery/relay';
import { WEBHOOK_DELIVERY_QUEUE } from '../src/queues';
import { bearer, loginAdmin, startTestApp, TestApp } from './support/app';
import { eventually } from './support/eventually';
import { WebhookReceiver } from './support/webhook-receiver';

/**
 * Commits outbox rows from another connection, as a process would that crashed right after its
 * commit, before its relay pass: this app's relay never hears of them.
 */
async function commitEventsElsewhere(
  test: TestApp,
  count: number,
  type = 'customer.updated',
  customerId: number | null = null,
): Promise<string[]> {
  const { host, port, user, password, dbName } = parseDatabaseUrl(test.config.databaseUrl);
  const connection = await createConnection({ host, port, user, password, database: dbName });
  try {
    await connection.beginTransaction();
    const rows = Array.from({ length: count }, (_, i) => [
      type,
      'customer',
      i + 1,
      customerId,
      'system',
      JSON.stringify({ note: `crash ${i}` }),
    ]);
    const [result] = await connection.query<ResultSetHeader>(
      'INSERT INTO outbox_event (type, object_type, object_id, customer_id, actor, payload, created_at) VALUES ?',
      [rows.map((row) => [...row, new Date()])],
    );
    await connection.commit();
    return Array.from({ length: count }, (_, i) => String(result.insertId + i));
  } finally {
    await connection.end();
  }
}

async function dispatchedAt(test: TestApp, eventId: string): Promise<string | null> {
  const [row] = await test
    .em()
    .getConnection()
    .execute<Array<{ dispatched_at: string | null }>>(
      'SELECT dispatched_at FROM outbox_event WHERE id = ?',
      [eventId],
    );
  return row.dispatched_at;
}

const received = (receiver: WebhookReceiver, eventId: string) =>
  receiver.deliveries().filter((d) => d.headers['webhook-id'] === eventId);

/**
 * Commits a marker event and waits until it has arrived: every event relayed before it has been
 * handed to delivery by then, so what did not arrive with it is not on its way.
 */
async function waitForMarker(test: TestApp, receiver: WebhookReceiver): Promise<void> {
  const [marker] = await commitEventsElsewhere(test, 1);
  await receiver.waitFor((all) => all.some((d) => d.headers['webhook-id'] === marker), 10_000);
}

describe('outbox relay and sweep', () => {
  let test: TestApp;
  let token: string;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    test = await startTestApp({
      PROCESS_ROLE: 'all',
      RELAY_SWEEP_INTERVAL_MS: '400',
      WEBHOOK_CONCURRENCY: '4',
      WEBHOOK_TIMEOUT_MS: '4000',
      WEBHOOK_RETRY_SCHEDULE_MS: '500,1000,2000,3000,4000,5000,6000,7000',
      WEBHOOK_DISABLE_AFTER_MS: '5000',
    });
    token = await loginAdmin(test);
    receiver = await WebhookReceiver.start();
    await test
      .http()
      .post('/api/v1/webhooks')
      .set(bearer(token))
      .send({ url: receiver.url('/all'), events: ['customer.updated'] })
      .expect(201);
  });
  afterAll(async () => {
    await test.close();
    await receiver.close();
  });

  it('delivers, through the sweep, an event whose process died between commit and enqueue', async () => {
    const [eventId] = await commitEventsElsewhere(test, 1);
    await receiver.waitFor((all) => all.some((d) => d.headers['webhook-id'] === eventId), 5000);
    expect(await eventually(async () => (await dispatchedAt(test, eventId)) !== null, true)).toBe(
      true,
    );
  });

  it('never delivers an event twice after a 2xx, even when it is relayed again', async () => {
    const [eventId] = await commitEventsElsewhere(test, 1);
    await receiver.waitFor((all) => all.some((d) => d.headers['webhook-id'] === eventId), 5000);

    // Relayed again (as after a relay whose claim rolled back after its rows were written),
    // twice, also after the queue has forgotten every finished job: its delivery row says succeeded.
    for (let i = 0; i < 2; i += 1) {
      await test.app
        .get<Queue>(getQueueToken(WEBHOOK_DELIVERY_QUEUE))
        .clean(0, 10_000, 'completed');
      await test
        .em()
        .getConnection()
        .execute('UPDATE outbox_event SET dispatched_at = NULL WHERE id = ?', [eventId]);
      await test.app.get(OutboxRelay).relayAll();
    }

    await waitForMarker(test, receiver);
    expect(received(receiver, eventId)).toHaveLength(1);
  });

  it('lets several relays run at once without sending an event twice', async () => {
    const ids = await commitEventsElsewhere(test, 300);
    const relay = test.app.get(OutboxRelay);
    await Promise.all([relay.relayAll(), relay.relayAll(), relay.relayAll()]);
    const wanted = new Set(ids);
    await receiver.waitFor(
      (all) => all.filter((d) => wanted.has(d.headers['webhook-id'])).length >= 300,
      15_000,
    );
    await waitForMarker(test, receiver);
    const got = receiver.deliveries().filter((d) => wanted.has(d.headers['webhook-id']));
    expect(got).toHaveLength(300);
    expect(new Set(got.map((d) => d.headers['webhook-id'])).size).toBe(300);
  });

  it('keeps other endpoints receiving while one hangs (it costs one round of timeouts, then waits for its probe)', async () => {
    receiver.on('/stuck', () => ({ status: 200, delayMs: 60_000 }));
    const stuck = await test
      .http()
      .post('/api/v1/webhooks')
      .set(bearer(token))
      .send({ url: receiver.url('/stuck'), events: ['customer.deleted'] })
      .expect(201);
    await commitEventsElsewhere(test, 8, 'customer.deleted');
    // Its first deliveries take every slot (4) until they time out (4 s); from then on it counts as slow.
    await receiver.waitFor((all) => all.filter((d) => d.path === '/stuck').length >= 4, 5000);
    const timedOut = async () =>
      Number(
        (
          await test
            .em()
            .getConnection()
            .execute<Array<{ n: number }>>(
              'SELECT COUNT(*) AS n FROM delivery_attempt WHERE endpoint_id = ? AND status_code IS NULL',
              [stuck.body.id],
            )
        )[0].n,
      ) >= 4;
    expect(await eventually(timedOut, true, 8000)).toBe(true);

    const [eventId] = await commitEventsElsewhere(test, 1);
    const committed = Date.now();
    const [delivery] = (
      await receiver.waitFor((all) => all.some((d) => d.headers['webhook-id'] === eventId), 5000)
    ).filter((d) => d.headers['webhook-id'] === eventId);
    expect(delivery.receivedAt - committed).toBeLessThan(2000);
    await test.http().delete(`/api/v1/webhooks/${stuck.body.id}`).set(bearer(token)).expect(204);
  });

  it('disables an endpoint that has failed for the configured time (24 h by default) and announces it', async () => {
    receiver.on('/down', () => ({ status: 503 }));
    const down = await test
      .http()
      .post('/api/v1/webhooks')
      .set(bearer(token))
      .send({ url: receiver.url('/down'), events: ['customer.updated'] })
      .expect(201);
    await test
      .http()
      .post('/api/v1/webhooks')
      .set(bearer(token))
      .send({ url: receiver.url('/ops'), events: ['webhook.disabled'] })
      .expect(201);
    await commitEventsElsewhere(test, 1);

    await receiver.waitFor(
      (all) => all.some((d) => d.path === '/ops' && d.message.type === 'webhook.disabled'),
      15_000,
    );
    const endpoint = await test
      .http()
      .get(`/api/v1/webhooks/${down.body.id}`)
      .set(bearer(token))
      .expect(200);
    expect(endpoint.body).toMatchObject({ enabled: false, disabledReason: 'failing' });
    expect(receiver.deliveries('/down').length).toBeGreaterThanOrEqual(5);

    // Re-enabling starts afresh.
    const enabled = await test
      .http()
      .patch(`/api/v1/webhooks/${down.body.id}`)
      .set(bearer(token))
      .send({ enabled: true })
      .expect(200);
    expect(enabled.body).toMatchObject({ enabled: true, disabledReason: null, failingSince: null });
  });

  it('holds back the rest of a batch once its endpoint asks to slow down, and sends each event once it gets through', async () => {
    receiver.on('/busy', (_d, nth) =>
      nth === 1 ? { status: 429, headers: { 'Retry-After': '1' } } : { status: 204 },
    );
    const busy = await test
      .http()
      .post('/api/v1/webhooks')
      .set(bearer(token))
      .send({ url: receiver.url('/busy'), events: ['customer.suspended'] })
      .expect(201);
    // One customer's events: one batch, sent in order, so the first answer comes before the others go.
    const ids = await commitEventsElsewhere(test, 3, 'customer.suspended', 4242);

    await receiver.waitFor((all) => all.filter((d) => d.path === '/busy').length >= 4, 10_000);
    // A later event of the same endpoint: once it has arrived, no fifth delivery of the three is coming.
    const [marker] = await commitEventsElsewhere(test, 1, 'customer.suspended', 4243);
    await receiver.waitFor((all) => all.some((d) => d.headers['webhook-id'] === marker), 10_000);
    const busyDeliveries = receiver
      .deliveries('/busy')
      .filter((d) => d.headers['webhook-id'] !== marker);
    expect(busyDeliveries).toHaveLength(4);
    expect(busyDeliveries[0].headers['webhook-id']).toBe(ids[0]);
    expect(
      busyDeliveries
        .slice(1)
        .map((d) => d.headers['webhook-id'])
        .sort(),
    ).toEqual([...ids].sort());
    for (const later of busyDeliveries.slice(1))
      expect(later.receivedAt - busyDeliveries[0].receivedAt).toBeGreaterThanOrEqual(900);

    const log = await test
      .http()
      .get(`/api/v1/webhooks/${busy.body.id}/deliveries`)
      .set(bearer(token))
      .expect(200);
    const attempts = (
      log.body.items as Array<{ eventId: number; attempt: number; statusCode: number | null }>
    )
      .filter((d) => String(d.eventId) !== marker)
      .map((d) => [String(d.eventId), d.attempt, d.statusCode]);
    expect(attempts.sort()).toEqual(
      [
        [ids[0], 1, 429],
        [ids[0], 2, 204],
        [ids[1], 1, 204],
        [ids[2], 1, 204],
      ].sort(),
    );
  });
});
