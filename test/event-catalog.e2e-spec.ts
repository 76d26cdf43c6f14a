import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { EVENT_TYPES } from '../src/events/event-types';
import { bearer, login, loginAdmin, startTestApp, TestApp } from './support/app';
import { postBulk, waitForJob } from './support/bulk-jobs';
import { createCustomer } from './support/factories';
import {
  createDomain,
  createSubscription,
  eventsAfter,
  lastEventId,
  OutboxRow,
} from './support/hosting';
import { WebhookReceiver } from './support/webhook-receiver';

type OpenApiDocument = Exclude<Parameters<typeof SwaggerParser.validate>[0], string>;

interface CatalogEntry {
  name: string;
  description: string;
  schema: Record<string, unknown>;
}

/** `data` as a consumer receives it: the envelope (outbox columns) and the stored payload. */
const dataOf = (row: OutboxRow): Record<string, unknown> => ({
  eventId: row.id,
  objectType: row.objectType,
  objectId: row.objectId,
  customerId: row.customerId,
  sequence: row.sequence,
  actor: row.actor,
  jobId: row.jobId,
  ...row.payload,
});

/**
 * The event catalog (GET /event-types) against real events: every event type is produced through
 * the real app, and every outbox payload and every delivered body validates against its schema.
 */
describe('event catalog', () => {
  let test: TestApp;
  let admin: string;
  let receiver: WebhookReceiver;
  let catalog: CatalogEntry[];
  const validators = new Map<string, ValidateFunction>();
  let events: OutboxRow[] = [];
  let subscribedAfter = 0;

  beforeAll(async () => {
    test = await startTestApp({ PROCESS_ROLE: 'all', RELAY_SWEEP_INTERVAL_MS: '1000' });
    admin = await loginAdmin(test);
    receiver = await WebhookReceiver.start();
  });
  afterAll(async () => {
    await test?.close();
    await receiver?.close();
  });

  it('lists every event type with a description and a JSON Schema of its data, for administrators only', async () => {
    await test.http().get('/api/v1/event-types').expect(401);
    const customer = await createCustomer(test, admin);
    const customerToken = await login(test, customer.username, customer.password);
    await test.http().get('/api/v1/event-types').set(bearer(customerToken)).expect(403);

    const response = await test.http().get('/api/v1/event-types').set(bearer(admin)).expect(200);
    catalog = response.body as CatalogEntry[];
    expect(catalog.map((entry) => entry.name).sort()).toEqual([...EVENT_TYPES].sort());
    const ajv = new Ajv({ strict: true, allowUnionTypes: true, allErrors: true });
    addFormats(ajv);
    for (const entry of catalog) {
      expect(entry.description.length).toBeGreaterThan(10);
      validators.set(entry.name, ajv.compile(entry.schema));
    }
  });

  it('describes the same events in the OpenAPI document under x-webhooks', async () => {
    const response = await test.http().get('/api/docs-json').expect(200);
    const document = response.body as {
      'x-webhooks': Record<string, { post: { description: string; requestBody: unknown } }>;
      paths: Record<string, unknown>;
    };
    expect(Object.keys(document['x-webhooks']).sort()).toEqual([...EVENT_TYPES].sort());
    for (const entry of catalog)
      expect(document['x-webhooks'][entry.name].post.description).toBe(entry.description);
    const body = JSON.stringify(document['x-webhooks']['customer.suspended'].post.requestBody);
    expect(body).toContain('"reasonsAfter"');
    expect(body).not.toContain('"null"'); // OpenAPI 3.0: `nullable`, not a null type
    expect(document.paths).toHaveProperty(['/api/v1/event-types']);
    // Still a valid OpenAPI document (a copy: the validator dereferences in place).
    await SwaggerParser.validate(structuredClone(response.body) as OpenApiDocument);
  });

  it('produces every event type through the real app, each payload valid against the catalog', async () => {
    receiver.on('/gone', () => ({ status: 410 }));
    subscribedAfter = await lastEventId(test);
    const all = await createWebhook({ url: receiver.url('/all'), events: ['*'] });
    const gone = await createWebhook({ url: receiver.url('/gone'), events: ['customer.created'] });

    // customer.created, then customer.updated by the administrator and by the customer itself
    const customer = await createCustomer(test, admin, { company: 'Example GmbH' });
    await test
      .http()
      .patch(`/api/v1/customers/${customer.id}`)
      .set(bearer(admin))
      .send({ city: 'Berlin', description: 'staff note' })
      .expect(200);
    const own = await login(test, customer.username, customer.password);
    await test.http().patch('/api/v1/account').set(bearer(own)).send({ phone: '+49 30 1' });

    // subscription.created with its main domain; subscription.updated; domain.created
    const subscription = await createSubscription(test, admin, customer.id, {
      name: 'bücher-katalog.test',
    });
    await test
      .http()
      .patch(`/api/v1/subscriptions/${subscription.id}`)
      .set(bearer(admin))
      .send({ plan: 'Pro', expiresAt: '2099-01-01T00:00:00.000Z' })
      .expect(200);
    const extra = await createDomain(test, admin, subscription.id);

    // suspended and activated, set-based: domain, subscription (cascading), customer (cascading)
    for (const path of [`domains/${extra.id}`, `subscriptions/${subscription.id}`]) {
      await post(`/api/v1/${path}/suspend`);
      await post(`/api/v1/${path}/activate`);
    }
    await post(`/api/v1/customers/${customer.id}/suspend`);
    await post(`/api/v1/customers/${customer.id}/activate`);

    // the .deleted events
    await test.http().delete(`/api/v1/domains/${extra.id}`).set(bearer(admin)).expect(204);
    await test
      .http()
      .delete(`/api/v1/subscriptions/${subscription.id}`)
      .set(bearer(admin))
      .expect(204);
    const removed = await createCustomer(test, admin);
    await createSubscription(test, admin, removed.id);
    await test.http().delete(`/api/v1/customers/${removed.id}`).set(bearer(admin)).expect(204);

    // job.completed (and the bulk job's own customer events), webhook.ping, webhook.disabled
    const jobId = await postBulk(test, admin, 'suspend', [customer.id]);
    await waitForJob(test, admin, jobId);
    // job.scheduled: a job planned for later (it stays planned while this test runs)
    await post('/api/v1/customers/bulk', 202, {
      action: 'activate',
      ids: [customer.id],
      runAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    await post(`/api/v1/webhooks/${all.id}/ping`, 202);
    await receiver.waitFor((received) =>
      received.some((delivery) => delivery.message.type === 'webhook.disabled'),
    );
    // webhook.paused_discarded: the endpoint that answered 410 is disabled now
    await post(`/api/v1/webhooks/${gone.id}/discard-paused`, 200);
    await receiver.waitFor((received) =>
      received.some((delivery) => delivery.message.type === 'webhook.paused_discarded'),
    );

    events = await eventsAfter(test, 0);
    expect([...new Set(events.map((event) => event.type))].sort()).toEqual([...EVENT_TYPES].sort());
    const invalid = events.flatMap((event) => problems(event.type, dataOf(event)));
    expect(invalid).toEqual([]);
  });

  it('delivers bodies whose data validates against the catalog', async () => {
    // Events written before the endpoint existed are not for it.
    const expected = new Set(
      events.filter((event) => event.id > subscribedAfter).map((event) => String(event.id)),
    );
    const received = await receiver.waitFor((deliveries) => {
      const ids = new Set(
        deliveries.filter((d) => d.path === '/all').map((d) => d.headers['webhook-id']),
      );
      return [...expected].every((id) => ids.has(id));
    }, 30_000);
    const bodies = received.filter((delivery) => delivery.path === '/all');
    const invalid = bodies.flatMap((delivery) => [
      ...problems(delivery.message.type, delivery.message.data),
      ...(Number.isNaN(Date.parse(delivery.message.timestamp)) ? ['timestamp'] : []),
    ]);
    expect(invalid).toEqual([]);
    expect(new Set(bodies.map((delivery) => delivery.message.type)).size).toBe(EVENT_TYPES.length);
  });

  it('refuses a payload that drifts from its schema', () => {
    const suspended = events.find((event) => event.type === 'subscription.suspended');
    if (!suspended) throw new Error('no subscription.suspended event');
    const data = dataOf(suspended);
    expect(problems('subscription.suspended', data)).toEqual([]);
    const subscription = data.subscription as Record<string, unknown>;
    const drifts = [
      { ...data, unexpected: true },
      { ...data, subscription: { ...subscription, secret: 'x' } },
      { ...data, subscription: { ...subscription, status: 'paused' } },
      { ...data, reasonsAfter: ['holiday'] },
      { ...data, actor: 'someone' },
      Object.fromEntries(Object.entries(data).filter(([key]) => key !== 'sequence')),
    ];
    for (const drift of drifts) expect(problems('subscription.suspended', drift)).not.toEqual([]);
  });

  it('builds the same subscription and domain payloads in SQL as the API shows in TypeScript', async () => {
    const owner = await createCustomer(test, admin);
    const subscription = await createSubscription(test, admin, owner.id, {
      name: 'münchen-shop.test',
      expiresAt: '2099-06-30T12:00:00.000Z',
    });
    const domain = await createDomain(test, admin, subscription.id, 'zürich-shop.test');
    const before = Math.max(0, ...events.map((event) => event.id));
    await post(`/api/v1/subscriptions/${subscription.id}/suspend`);
    const written = await eventsAfter(test, before);
    const subscriptionEvent = written.find((row) => row.type === 'subscription.suspended');
    const domainEvent = written.find(
      (row) => row.type === 'domain.suspended' && row.objectId === domain.id,
    );
    const shownSubscription = await test
      .http()
      .get(`/api/v1/subscriptions/${subscription.id}`)
      .set(bearer(admin))
      .expect(200);
    const shownDomain = await test
      .http()
      .get(`/api/v1/domains/${domain.id}`)
      .set(bearer(admin))
      .expect(200);
    expect(subscriptionEvent?.payload.subscription).toEqual(shownSubscription.body);
    expect(domainEvent?.payload.domain).toEqual(shownDomain.body);
  });

  async function createWebhook(body: Record<string, unknown>): Promise<{ id: number }> {
    const response = await test.http().post('/api/v1/webhooks').set(bearer(admin)).send(body);
    expect(response.status).toBe(201);
    return response.body as { id: number };
  }

  async function post(path: string, status = 200, body?: object): Promise<void> {
    const response = await test.http().post(path).set(bearer(admin)).send(body);
    if (response.status !== status)
      throw new Error(`POST ${path}: ${response.status} ${JSON.stringify(response.body)}`);
  }

  /** What ajv finds wrong with `data` as an event of `type` (empty when valid). */
  function problems(type: string, data: unknown): string[] {
    const validate = validators.get(type);
    if (!validate) return [`${type}: not in the catalog`];
    if (validate(data)) return [];
    return (validate.errors ?? []).map(
      (error) => `${type} ${error.instancePath} ${error.message} ${JSON.stringify(error.params)}`,
    );
  }
});
