import { Webhook } from 'standardwebhooks';
import { bearer, loginAdmin, startTestApp, TestApp } from './support/app';
import { expectEveryAnswerDocumented } from './support/openapi-contract';
import { createCustomer } from './support/factories';
import { eventually } from './support/eventually';
import { ReceivedDelivery, WebhookReceiver } from './support/webhook-receiver';

interface CreatedWebhook {
  id: number;
  secret: string;
  [key: string]: unknown;
}

async function createWebhook(
  test: TestApp,
  token: string,
  body: Record<string, unknown>,
): Promise<CreatedWebhook> {
  const response = await test.http().post('/api/v1/webhooks').set(bearer(token)).send(body);
  if (response.status !== 201)
    throw new Error(
      `creating a webhook failed: ${response.status} ${JSON.stringify(response.body)}`,
    );
  return response.body as CreatedWebhook;
}

const idOf = (d: ReceivedDelivery) => d.headers['webhook-id'];

describe('webhooks', () => {
  let test: TestApp;
  let token: string;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    test = await startTestApp({
      PROCESS_ROLE: 'all',
      WEBHOOK_TIMEOUT_MS: '1500',
      WEBHOOK_RETRY_SCHEDULE_MS: '300,600,900,1200',
      RELAY_SWEEP_INTERVAL_MS: '1000',
      WEBHOOK_CONCURRENCY: '10',
    });
    token = await loginAdmin(test);
    receiver = await WebhookReceiver.start();
  });
  expectEveryAnswerDocumented(() => test);
  afterAll(async () => {
    await test.close();
    await receiver.close();
  });

  describe('endpoints', () => {
    it('creates an endpoint and shows its secret once, stored encrypted', async () => {
      const created = await createWebhook(test, token, {
        url: receiver.url('/once'),
        events: ['customer.created'],
        description: 'node 1',
      });
      expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
      expect(created).toMatchObject({
        url: receiver.url('/once'),
        events: ['customer.created'],
        description: 'node 1',
        enabled: true,
      });

      const read = await test
        .http()
        .get(`/api/v1/webhooks/${created.id}`)
        .set(bearer(token))
        .expect(200);
      expect(read.body).not.toHaveProperty('secret');
      const list = await test.http().get('/api/v1/webhooks').set(bearer(token)).expect(200);
      expect(JSON.stringify(list.body)).not.toContain(created.secret);

      const [row] = await test
        .em()
        .getConnection()
        .execute<Array<{ secret_encrypted: string }>>(
          'SELECT secret_encrypted FROM webhook_endpoint WHERE id = ?',
          [created.id],
        );
      expect(row.secret_encrypted).not.toContain(created.secret.slice(6, 20));
      expect(row.secret_encrypted).toMatch(/^v1:/);
      await test.http().delete(`/api/v1/webhooks/${created.id}`).set(bearer(token)).expect(204);
    });

    it('refuses unknown event types', async () => {
      const response = await test
        .http()
        .post('/api/v1/webhooks')
        .set(bearer(token))
        .send({ url: receiver.url(), events: ['customer.exploded'] })
        .expect(400);
      expect(response.body.errors[0].field).toBe('events');
      await test
        .http()
        .post('/api/v1/webhooks')
        .set(bearer(token))
        .send({ url: receiver.url(), events: [] })
        .expect(400);
    });

    it('refuses URLs that are not http or https', async () => {
      for (const url of [
        'ftp://example.com/hook',
        'file:///etc/passwd',
        'not a url',
        'javascript:alert(1)',
      ]) {
        const response = await test
          .http()
          .post('/api/v1/webhooks')
          .set(bearer(token))
          .send({ url, events: ['*'] });
        expect(response.status).toBe(400);
        expect(response.body.errors[0].field).toBe('url');
      }
    });

    it('edits, lists and removes endpoints; unknown ids are 404', async () => {
      const created = await createWebhook(test, token, {
        url: receiver.url('/edit'),
        events: ['customer.created'],
      });
      const patched = await test
        .http()
        .patch(`/api/v1/webhooks/${created.id}`)
        .set(bearer(token))
        .send({ events: ['customer.deleted', '*'], enabled: false, description: 'off' })
        .expect(200);
      expect(patched.body).toMatchObject({ events: ['*'], enabled: false, description: 'off' });
      await test
        .http()
        .patch(`/api/v1/webhooks/${created.id}`)
        .set(bearer(token))
        .send({ secret: 'mine' })
        .expect(400);
      for (const field of ['url', 'events', 'enabled']) {
        await test
          .http()
          .patch(`/api/v1/webhooks/${created.id}`)
          .set(bearer(token))
          .send({ [field]: null })
          .expect(400);
      }
      const cleared = await test
        .http()
        .patch(`/api/v1/webhooks/${created.id}`)
        .set(bearer(token))
        .send({ description: null })
        .expect(200);
      expect(cleared.body.description).toBeNull();
      await test.http().post(`/api/v1/webhooks/${created.id}/ping`).set(bearer(token)).expect(409);
      await test.http().delete(`/api/v1/webhooks/${created.id}`).set(bearer(token)).expect(204);
      await test.http().get(`/api/v1/webhooks/${created.id}`).set(bearer(token)).expect(404);
      await test.http().get('/api/v1/webhooks/abc').set(bearer(token)).expect(400);
    });

    it('is for administrators only', async () => {
      const customer = await createCustomer(test, token);
      const login = await test
        .http()
        .post('/api/v1/auth/login')
        .send({ username: customer.username, password: customer.password })
        .expect(200);
      await test.http().get('/api/v1/webhooks').set(bearer(login.body.accessToken)).expect(403);
      await test.http().get('/api/v1/webhooks').expect(401);
    });
  });

  describe('delivery', () => {
    it('delivers a customer event signed per Standard Webhooks, with the admin view and a sequence', async () => {
      const hook = await createWebhook(test, token, {
        url: receiver.url('/signed'),
        events: ['customer.created', 'customer.updated'],
      });
      const customer = await createCustomer(test, token, { description: 'staff note' });
      await test
        .http()
        .patch(`/api/v1/customers/${customer.id}`)
        .set(bearer(token))
        .send({ name: 'Renamed' })
        .expect(200);

      const received = await receiver.waitFor(() => receiver.deliveries('/signed').length >= 2);
      const mine = received
        .filter((d) => d.path === '/signed')
        .sort((a, b) => Number(idOf(a)) - Number(idOf(b)));
      for (const delivery of mine) {
        expect(() =>
          new Webhook(hook.secret).verify(delivery.body, delivery.headers),
        ).not.toThrow();
        expect(delivery.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
        expect(delivery.body).not.toMatch(/password/i);
      }
      expect(() =>
        new Webhook(
          `whsec_${Buffer.from('another secret of 32 bytes......').toString('base64')}`,
        ).verify(mine[0].body, mine[0].headers),
      ).toThrow();
      expect(mine.map((d) => d.message.type)).toEqual(['customer.created', 'customer.updated']);
      const [created, updated] = mine.map((d) => d.message);
      expect(created.timestamp).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(created.data).toMatchObject({
        objectType: 'customer',
        objectId: customer.id,
        customerId: customer.id,
        customer: { id: customer.id, username: customer.username, description: 'staff note' },
      });
      expect(Number(updated.data.sequence)).toBeGreaterThan(Number(created.data.sequence));
      expect(updated.data).toMatchObject({ changes: ['name'], customer: { name: 'Renamed' } });
      expect(String(created.data.eventId)).toBe(idOf(mine[0]));
    });

    it('delivers every event of a suspension cascade (written set-based), each with its own per-customer sequence', async () => {
      const hook = await createWebhook(test, token, {
        url: receiver.url('/cascade'),
        events: ['customer.suspended', 'subscription.suspended', 'domain.suspended'],
      });
      const customer = await createCustomer(test, token);
      const subscription = await test
        .http()
        .post('/api/v1/subscriptions')
        .set(bearer(token))
        .send({ customerId: customer.id, name: `shop-${customer.id}.example`, plan: 'Basic' })
        .expect(201);
      await test
        .http()
        .post(`/api/v1/customers/${customer.id}/suspend`)
        .set(bearer(token))
        .expect(200);

      await receiver.waitFor(() => receiver.deliveries('/cascade').length >= 3);
      const cascade = receiver.deliveries('/cascade');
      for (const delivery of cascade)
        new Webhook(hook.secret).verify(delivery.body, delivery.headers);
      expect(cascade.map((d) => d.message.type).sort()).toEqual([
        'customer.suspended',
        'domain.suspended',
        'subscription.suspended',
      ]);
      const sub = cascade.find((d) => d.message.type === 'subscription.suspended');
      expect(sub?.message.data).toMatchObject({
        customerId: customer.id,
        objectId: subscription.body.id,
        reasonsBefore: [],
        reasonsAfter: ['customer'],
      });
      const sequences = cascade.map((d) => Number(d.message.data.sequence));
      expect(new Set(sequences).size).toBe(3);
      expect(sequences.every((n) => Number.isInteger(n) && n > 0)).toBe(true);
    });

    it('sends webhook.ping to the pinged endpoint only', async () => {
      const pinged = await createWebhook(test, token, {
        url: receiver.url('/pinged'),
        events: ['customer.deleted'],
      });
      await createWebhook(test, token, { url: receiver.url('/bystander'), events: ['*'] });
      const response = await test
        .http()
        .post(`/api/v1/webhooks/${pinged.id}/ping`)
        .set(bearer(token))
        .expect(202);
      const [ping] = await receiver
        .waitFor(() => receiver.deliveries('/pinged').length === 1)
        .then(() => receiver.deliveries('/pinged'));
      expect(ping.message).toMatchObject({
        type: 'webhook.ping',
        data: { objectType: 'webhook', objectId: pinged.id },
      });
      expect(idOf(ping)).toBe(String(response.body.eventId));
      new Webhook(pinged.secret).verify(ping.body, ping.headers);
      // A later event that the bystander does receive: the ping would have come before it.
      const marker = await createCustomer(test, token);
      await receiver.waitFor(() =>
        receiver.deliveries('/bystander').some((d) => d.message.data.objectId === marker.id),
      );
      expect(
        receiver.deliveries('/bystander').filter((d) => d.message.type === 'webhook.ping'),
      ).toHaveLength(0);
    });

    it('retries after a 500 with the same webhook-id and records every attempt', async () => {
      receiver.on('/flaky', (_d, nth) => ({ status: nth === 1 ? 500 : 200 }));
      const hook = await createWebhook(test, token, {
        url: receiver.url('/flaky'),
        events: ['customer.created'],
      });
      await createCustomer(test, token);
      await receiver.waitFor(() => receiver.deliveries('/flaky').length >= 2);
      const [first, second] = receiver.deliveries('/flaky');
      expect(idOf(second)).toBe(idOf(first));
      expect(second.body).toBe(first.body);
      new Webhook(hook.secret).verify(second.body, second.headers);

      const log = await waitForDeliveries(test, token, hook.id, 2);
      expect(log.map((d) => [d.attempt, d.statusCode, d.succeeded])).toEqual([
        [2, 200, true],
        [1, 500, false],
      ]);
      expect(log[1].error).toContain('HTTP 500');
      expect(log[0].eventId).toBe(Number(idOf(first)));
      expect(log[0]).toMatchObject({ eventType: 'customer.created' });
      expect(typeof log[0].durationMs).toBe('number');
    });

    it('honours Retry-After', async () => {
      receiver.on('/busy', (_d, nth) =>
        nth === 1 ? { status: 429, headers: { 'Retry-After': '2' } } : { status: 204 },
      );
      await createWebhook(test, token, {
        url: receiver.url('/busy'),
        events: ['customer.created'],
      });
      await createCustomer(test, token);
      await receiver.waitFor(() => receiver.deliveries('/busy').length >= 2);
      const [first, second] = receiver.deliveries('/busy');
      expect(second.receivedAt - first.receivedAt).toBeGreaterThanOrEqual(1900);
    });

    it('retries a delivery that timed out', async () => {
      receiver.on('/slow-once', (_d, nth) => ({ status: 200, delayMs: nth === 1 ? 5000 : 0 }));
      const hook = await createWebhook(test, token, {
        url: receiver.url('/slow-once'),
        events: ['customer.created'],
      });
      await createCustomer(test, token);
      await receiver.waitFor(() => receiver.deliveries('/slow-once').length >= 2);
      const log = await waitForDeliveries(test, token, hook.id, 2);
      expect(log[1]).toMatchObject({ attempt: 1, succeeded: false, statusCode: null });
      expect(log[1].error).toContain('timed out after 1500 ms');
      expect(log[0]).toMatchObject({ attempt: 2, succeeded: true, statusCode: 200 });
    });

    it('disables an endpoint that answers 410 Gone at once and announces it', async () => {
      receiver.on('/gone', () => ({ status: 410 }));
      const gone = await createWebhook(test, token, {
        url: receiver.url('/gone'),
        events: ['customer.created'],
      });
      await createWebhook(test, token, {
        url: receiver.url('/watcher'),
        events: ['webhook.disabled'],
      });
      await createCustomer(test, token);
      await receiver.waitFor(() =>
        receiver.deliveries('/watcher').some((d) => d.message.type === 'webhook.disabled'),
      );
      const endpoint = await test
        .http()
        .get(`/api/v1/webhooks/${gone.id}`)
        .set(bearer(token))
        .expect(200);
      expect(endpoint.body).toMatchObject({ enabled: false, disabledReason: 'gone' });
      expect(receiver.deliveries('/gone')).toHaveLength(1);
      const notice = receiver
        .deliveries('/watcher')
        .find((d) => d.message.type === 'webhook.disabled');
      expect(notice?.message.data).toMatchObject({
        objectType: 'webhook',
        objectId: gone.id,
        webhook: { id: gone.id, reason: 'gone' },
      });

      // Disabled endpoints receive nothing more: the watcher's later event arrives, the gone one's does not.
      await createCustomer(test, token);
      await test.http().post(`/api/v1/webhooks/${gone.id}/ping`).set(bearer(token)).expect(409);
      const later = await createCustomer(test, token);
      const seen = await createWebhook(test, token, {
        url: receiver.url('/after-gone'),
        events: ['customer.deleted'],
      });
      await test.http().delete(`/api/v1/customers/${later.id}`).set(bearer(token)).expect(204);
      await receiver.waitFor(() => receiver.deliveries('/after-gone').length === 1);
      await test.http().delete(`/api/v1/webhooks/${seen.id}`).set(bearer(token)).expect(204);
      expect(receiver.deliveries('/gone')).toHaveLength(1);
    });

    it('signs with both the old and the new secret for a day after a rotation', async () => {
      const hook = await createWebhook(test, token, {
        url: receiver.url('/rotated'),
        events: ['customer.created'],
      });
      const rotated = await test
        .http()
        .post(`/api/v1/webhooks/${hook.id}/rotate-secret`)
        .set(bearer(token))
        .expect(200);
      expect(rotated.body.secret).toMatch(/^whsec_/);
      expect(rotated.body.secret).not.toBe(hook.secret);
      expect(Date.parse(rotated.body.previousSecretExpiresAt) - Date.now()).toBeGreaterThan(
        23 * 3600 * 1000,
      );
      await createCustomer(test, token);
      const [delivery] = await receiver
        .waitFor(() => receiver.deliveries('/rotated').length === 1)
        .then(() => receiver.deliveries('/rotated'));
      expect(delivery.headers['webhook-signature'].split(' ')).toHaveLength(2);
      new Webhook(hook.secret).verify(delivery.body, delivery.headers);
      new Webhook(rotated.body.secret).verify(delivery.body, delivery.headers);
    });

    it('pages the delivery log', async () => {
      const hook = await createWebhook(test, token, {
        url: receiver.url('/paged'),
        events: ['customer.created'],
      });
      for (let i = 0; i < 3; i += 1) await createCustomer(test, token);
      await waitForDeliveries(test, token, hook.id, 3);
      const first = await test
        .http()
        .get(`/api/v1/webhooks/${hook.id}/deliveries?limit=2`)
        .set(bearer(token))
        .expect(200);
      expect(first.body.items).toHaveLength(2);
      const second = await test
        .http()
        .get(`/api/v1/webhooks/${hook.id}/deliveries?limit=2&cursor=${first.body.nextCursor}`)
        .set(bearer(token))
        .expect(200);
      expect(second.body.items).toHaveLength(1);
      expect(second.body.nextCursor).toBeNull();
      await test
        .http()
        .get(`/api/v1/webhooks/${hook.id}/deliveries?cursor=bogus!`)
        .set(bearer(token))
        .expect(400);
      await test.http().get('/api/v1/webhooks/999999/deliveries').set(bearer(token)).expect(404);
    });
  });
});

/**
 * A hanging consumer must not hold up the others. The timeout is long here (30 s), so that a
 * loaded machine's slowness cannot pass for, or hide, waiting behind a hanging request.
 */
describe('webhooks beside a hanging endpoint', () => {
  let test: TestApp;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    test = await startTestApp({ PROCESS_ROLE: 'all', WEBHOOK_TIMEOUT_MS: '30000' });
    receiver = await WebhookReceiver.start();
  });
  afterAll(async () => {
    // The receiver first: closing it ends the hanging request, which the app's shutdown awaits.
    await receiver.close();
    await test.close();
  });

  it('keeps delivering to other endpoints while one endpoint hangs', async () => {
    const token = await loginAdmin(test);
    receiver.on('/hangs', () => ({ status: 200, delayMs: 120_000 }));
    await createWebhook(test, token, { url: receiver.url('/hangs'), events: ['customer.created'] });
    await createWebhook(test, token, {
      url: receiver.url('/healthy'),
      events: ['customer.created'],
    });
    for (let i = 0; i < 3; i += 1) await createCustomer(test, token);
    await receiver.waitFor(() => receiver.deliveries('/healthy').length >= 3);
    // None of them waited for a hanging request to time out (30 s) to get a slot.
    for (const delivery of receiver.deliveries('/healthy'))
      expect(delivery.receivedAt - Date.parse(delivery.message.timestamp)).toBeLessThan(15_000);
    expect(receiver.deliveries('/hangs').length).toBeGreaterThanOrEqual(1);
  });
});

interface DeliveryRecord {
  eventId: number;
  eventType: string;
  attempt: number;
  succeeded: boolean;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
}

async function waitForDeliveries(
  test: TestApp,
  token: string,
  id: number,
  count: number,
): Promise<DeliveryRecord[]> {
  let items: DeliveryRecord[] = [];
  await eventually(async () => {
    const response = await test
      .http()
      .get(`/api/v1/webhooks/${id}/deliveries`)
      .set(bearer(token))
      .expect(200);
    items = response.body.items as DeliveryRecord[];
    return items.length >= count;
  }, true);
  return items;
}
