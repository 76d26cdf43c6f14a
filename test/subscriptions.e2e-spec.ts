import { bearer, login, loginAdmin, startTestApp, TestApp } from './support/app';
import { expectEveryAnswerDocumented } from './support/openapi-contract';
import { createCustomer } from './support/factories';
import { createSubscription, eventsAfter, lastEventId } from './support/hosting';

describe('subscriptions', () => {
  let test: TestApp;
  let admin: string;
  beforeAll(async () => {
    test = await startTestApp();
    admin = await loginAdmin(test);
  });
  expectEveryAnswerDocumented(() => test);
  afterAll(() => test.close());

  it('creates a subscription with its main domain and writes both created events', async () => {
    const customer = await createCustomer(test, admin);
    const before = await lastEventId(test);
    const response = await test
      .http()
      .post('/api/v1/subscriptions')
      .set(bearer(admin))
      .send({
        customerId: customer.id,
        name: 'Bücher-Shop.example',
        plan: 'Unlimited',
        expiresAt: '2099-01-01T00:00:00.000Z',
      })
      .expect(201);
    expect(response.headers.location).toBe(`/api/v1/subscriptions/${response.body.id}`);
    expect(response.body).toEqual({
      id: expect.any(Number),
      customerId: customer.id,
      name: 'xn--bcher-shop-9db.example',
      unicodeName: 'bücher-shop.example',
      plan: 'Unlimited',
      status: 'active',
      suspendedReasons: [],
      expiresAt: '2099-01-01T00:00:00.000Z',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const domains = await test
      .http()
      .get(`/api/v1/domains?subscriptionId=${response.body.id}`)
      .set(bearer(admin))
      .expect(200);
    expect(domains.body.items).toEqual([
      expect.objectContaining({
        name: 'xn--bcher-shop-9db.example',
        unicodeName: 'bücher-shop.example',
        status: 'active',
      }),
    ]);
    const events = await eventsAfter(test, before);
    expect(events.map((e) => [e.type, e.objectId, e.customerId, e.actor])).toEqual([
      ['subscription.created', response.body.id, customer.id, 'admin:1'],
      ['domain.created', domains.body.items[0].id, customer.id, 'admin:1'],
    ]);
    expect(events[0].payload).toEqual({ subscription: response.body });
    expect(events[1].payload).toEqual({ domain: domains.body.items[0] });
  });

  it('refuses a main domain that exists already with 409, and an unknown customer with 404', async () => {
    const customer = await createCustomer(test, admin);
    const existing = await createSubscription(test, admin, customer.id);
    const clash = await test
      .http()
      .post('/api/v1/subscriptions')
      .set(bearer(admin))
      .send({ customerId: customer.id, name: existing.name.toUpperCase(), plan: 'Basic' })
      .expect(409);
    expect(clash.body.errors).toEqual([
      { field: 'name', code: 'not_unique', message: 'is already taken' },
    ]);
    await test
      .http()
      .post('/api/v1/subscriptions')
      .set(bearer(admin))
      .send({ customerId: 999999, name: 'nobody-here.test', plan: 'Basic' })
      .expect(404);
  });

  it('refuses invalid input with 400', async () => {
    const customer = await createCustomer(test, admin);
    for (const body of [
      { customerId: customer.id, name: 'no_underscores.test', plan: 'Basic' },
      { customerId: customer.id, name: 'valid.test', plan: '' },
      { customerId: customer.id, name: 'valid.test', plan: 'Basic', expiresAt: 'tomorrow' },
      {
        customerId: customer.id,
        name: 'valid.test',
        plan: 'Basic',
        expiresAt: '+275760-01-01T00:00:00Z',
      },
      { customerId: 'x', name: 'valid.test', plan: 'Basic' },
      { customerId: customer.id, name: 'valid.test', plan: 'Basic', status: 'suspended' },
    ]) {
      const response = await test
        .http()
        .post('/api/v1/subscriptions')
        .set(bearer(admin))
        .send(body);
      expect([response.status, response.body.type]).toEqual([400, '/problems/validation-failed']);
    }
    await test.http().get('/api/v1/subscriptions/0').set(bearer(admin)).expect(400);
    await test.http().get('/api/v1/subscriptions/abc').set(bearer(admin)).expect(400);
  });

  it('edits plan and expiry, writing subscription.updated with the changes', async () => {
    const customer = await createCustomer(test, admin);
    const subscription = await createSubscription(test, admin, customer.id);
    const before = await lastEventId(test);
    const edited = await test
      .http()
      .patch(`/api/v1/subscriptions/${subscription.id}`)
      .set(bearer(admin))
      .send({ plan: 'Gold' })
      .expect(200);
    expect(edited.body.plan).toBe('Gold');
    await test
      .http()
      .patch(`/api/v1/subscriptions/${subscription.id}`)
      .set(bearer(admin))
      .send({ plan: 'Gold' })
      .expect(200);
    const events = await eventsAfter(test, before);
    expect(events.map((e) => [e.type, e.payload.changes])).toEqual([
      ['subscription.updated', ['plan']],
    ]);
  });

  it('lets a customer list and read its own subscriptions only; others are 404', async () => {
    const owner = await createCustomer(test, admin);
    const other = await createCustomer(test, admin);
    const mine = await createSubscription(test, admin, owner.id);
    const theirs = await createSubscription(test, admin, other.id);
    const token = await login(test, owner.username, owner.password);
    const list = await test.http().get('/api/v1/subscriptions').set(bearer(token)).expect(200);
    expect(list.body.items.map((s: { id: number }) => s.id)).toEqual([mine.id]);
    const filtered = await test
      .http()
      .get(`/api/v1/subscriptions?customerId=${other.id}`)
      .set(bearer(token))
      .expect(200);
    expect(filtered.body.items).toEqual([]);
    await test.http().get(`/api/v1/subscriptions/${mine.id}`).set(bearer(token)).expect(200);
    await test.http().get(`/api/v1/subscriptions/${theirs.id}`).set(bearer(token)).expect(404);
    await test
      .http()
      .post('/api/v1/subscriptions')
      .set(bearer(token))
      .send({ customerId: owner.id, name: 'mine-too.test', plan: 'Basic' })
      .expect(403);
    await test
      .http()
      .post(`/api/v1/subscriptions/${mine.id}/suspend`)
      .set(bearer(token))
      .expect(403);
    await test.http().delete(`/api/v1/subscriptions/${mine.id}`).set(bearer(token)).expect(403);
  });

  it('lists with filters and keyset pagination', async () => {
    const customer = await createCustomer(test, admin);
    const created = [];
    for (let i = 0; i < 3; i += 1) created.push(await createSubscription(test, admin, customer.id));
    await test
      .http()
      .post(`/api/v1/subscriptions/${created[1].id}/suspend`)
      .set(bearer(admin))
      .expect(200);
    const first = await test
      .http()
      .get(`/api/v1/subscriptions?customerId=${customer.id}&limit=2`)
      .set(bearer(admin))
      .expect(200);
    expect(first.body.items.map((s: { id: number }) => s.id)).toEqual([
      created[0].id,
      created[1].id,
    ]);
    const second = await test
      .http()
      .get(
        `/api/v1/subscriptions?customerId=${customer.id}&limit=2&cursor=${first.body.nextCursor}`,
      )
      .set(bearer(admin))
      .expect(200);
    expect(second.body).toEqual({
      items: [expect.objectContaining({ id: created[2].id })],
      nextCursor: null,
    });
    const suspended = await test
      .http()
      .get(`/api/v1/subscriptions?customerId=${customer.id}&status=suspended`)
      .set(bearer(admin))
      .expect(200);
    expect(suspended.body.items.map((s: { id: number }) => s.id)).toEqual([created[1].id]);
    await test.http().get('/api/v1/subscriptions?cursor=garbage!').set(bearer(admin)).expect(400);
  });

  it('removes a subscription with its domains and keeps their names in the snapshot', async () => {
    const customer = await createCustomer(test, admin);
    const subscription = await createSubscription(test, admin, customer.id);
    const extra = await test
      .http()
      .post('/api/v1/domains')
      .set(bearer(admin))
      .send({ subscriptionId: subscription.id, name: `extra-${subscription.name}` })
      .expect(201);
    const before = await lastEventId(test);
    await test
      .http()
      .delete(`/api/v1/subscriptions/${subscription.id}`)
      .set(bearer(admin))
      .expect(204);
    await test
      .http()
      .get(`/api/v1/subscriptions/${subscription.id}`)
      .set(bearer(admin))
      .expect(404);
    await test.http().get(`/api/v1/domains/${extra.body.id}`).set(bearer(admin)).expect(404);
    const events = await eventsAfter(test, before);
    expect(events.map((e) => [e.type, e.objectId])).toEqual([
      ['subscription.deleted', subscription.id],
    ]);
    expect(events[0].payload.domains).toEqual([subscription.name, extra.body.name]);
    await test
      .http()
      .delete(`/api/v1/subscriptions/${subscription.id}`)
      .set(bearer(admin))
      .expect(404);
    // The names are free again.
    await createSubscription(test, admin, customer.id, { name: subscription.name });
  });
});
