import { bearer, login, loginAdmin, startTestApp, TestApp } from './support/app';
import { createCustomer } from './support/factories';
import { createDomain, createSubscription } from './support/hosting';
import { checkedStep } from './support/transitions';

describe('suspension reasons', () => {
  let test: TestApp;
  let admin: string;
  beforeAll(async () => {
    test = await startTestApp();
    admin = await loginAdmin(test);
  });
  afterAll(() => test.close());

  const post = (path: string) => test.http().post(`/api/v1${path}`).set(bearer(admin));
  const read = async (path: string) =>
    (await test.http().get(`/api/v1${path}`).set(bearer(admin)).expect(200)).body;

  /** A customer with one subscription holding its main domain and one more domain. */
  async function hosting() {
    const customer = await createCustomer(test, admin);
    const subscription = await createSubscription(test, admin, customer.id);
    const main = (await read(`/domains?subscriptionId=${subscription.id}`)).items[0];
    const extra = await createDomain(test, admin, subscription.id);
    return { customer, subscription, main, extra };
  }

  it('suspends all subscriptions and domains of a suspended customer (reasons customer and subscription) and re-activates them', async () => {
    const { customer, subscription, main, extra } = await hosting();
    const suspend = await checkedStep(test, admin, () =>
      post(`/customers/${customer.id}/suspend`).expect(200),
    );
    expect(suspend.transitions).toEqual(
      [
        `customer.suspended:${customer.id}`,
        `subscription.suspended:${subscription.id}`,
        `domain.suspended:${main.id}`,
        `domain.suspended:${extra.id}`,
      ].sort(),
    );
    expect(suspend.events[0].type).toBe('customer.suspended');
    expect(await read(`/customers/${customer.id}`)).toMatchObject({ status: 'suspended' });
    expect(await read(`/subscriptions/${subscription.id}`)).toMatchObject({
      status: 'suspended',
      suspendedReasons: ['customer'],
    });
    expect(await read(`/domains/${extra.id}`)).toMatchObject({
      status: 'suspended',
      suspendedReasons: ['subscription'],
    });

    const activate = await checkedStep(test, admin, () =>
      post(`/customers/${customer.id}/activate`).expect(200),
    );
    expect(activate.transitions).toEqual(
      [
        `customer.activated:${customer.id}`,
        `subscription.activated:${subscription.id}`,
        `domain.activated:${main.id}`,
        `domain.activated:${extra.id}`,
      ].sort(),
    );
    expect(await read(`/subscriptions/${subscription.id}`)).toMatchObject({
      status: 'active',
      suspendedReasons: [],
    });
    expect(await read(`/domains/${main.id}`)).toMatchObject({
      status: 'active',
      suspendedReasons: [],
    });
  });

  it('keeps a subscription suspended by an administrator suspended (reason admin only) after its customer is suspended and re-activated; its domains too', async () => {
    const { customer, subscription, main, extra } = await hosting();
    const own = await checkedStep(test, admin, () =>
      post(`/subscriptions/${subscription.id}/suspend`).expect(200),
    );
    expect(own.transitions).toEqual(
      [
        `subscription.suspended:${subscription.id}`,
        `domain.suspended:${main.id}`,
        `domain.suspended:${extra.id}`,
      ].sort(),
    );

    const suspend = await checkedStep(test, admin, () =>
      post(`/customers/${customer.id}/suspend`).expect(200),
    );
    // Already suspended: the subscription gains a reason but makes no transition, its domains neither.
    expect(suspend.transitions).toEqual([`customer.suspended:${customer.id}`]);
    expect(await read(`/subscriptions/${subscription.id}`)).toMatchObject({
      suspendedReasons: ['admin', 'customer'],
    });

    const activate = await checkedStep(test, admin, () =>
      post(`/customers/${customer.id}/activate`).expect(200),
    );
    expect(activate.transitions).toEqual([`customer.activated:${customer.id}`]);
    expect(await read(`/subscriptions/${subscription.id}`)).toMatchObject({
      status: 'suspended',
      suspendedReasons: ['admin'],
    });
    expect(await read(`/domains/${main.id}`)).toMatchObject({
      status: 'suspended',
      suspendedReasons: ['subscription'],
    });
    expect(await read(`/domains/${extra.id}`)).toMatchObject({
      status: 'suspended',
      suspendedReasons: ['subscription'],
    });

    const lift = await checkedStep(test, admin, () =>
      post(`/subscriptions/${subscription.id}/activate`).expect(200),
    );
    expect(lift.transitions).toEqual(
      [
        `subscription.activated:${subscription.id}`,
        `domain.activated:${main.id}`,
        `domain.activated:${extra.id}`,
      ].sort(),
    );
  });

  it('keeps a domain suspended on its own suspended when its subscription is re-activated', async () => {
    const { subscription, main, extra } = await hosting();
    await checkedStep(test, admin, () => post(`/domains/${extra.id}/suspend`).expect(200));
    await checkedStep(test, admin, () =>
      post(`/subscriptions/${subscription.id}/suspend`).expect(200),
    );
    expect(await read(`/domains/${extra.id}`)).toMatchObject({
      status: 'suspended',
      suspendedReasons: ['admin', 'subscription'],
    });

    const activate = await checkedStep(test, admin, () =>
      post(`/subscriptions/${subscription.id}/activate`).expect(200),
    );
    expect(activate.transitions).toEqual(
      [`subscription.activated:${subscription.id}`, `domain.activated:${main.id}`].sort(),
    );
    expect(await read(`/domains/${extra.id}`)).toMatchObject({
      status: 'suspended',
      suspendedReasons: ['admin'],
    });

    const own = await checkedStep(test, admin, () =>
      post(`/domains/${extra.id}/activate`).expect(200),
    );
    expect(own.transitions).toEqual([`domain.activated:${extra.id}`]);
  });

  it('keeps a domain suspended on its own suspended when its customer is re-activated', async () => {
    const { customer, extra } = await hosting();
    await checkedStep(test, admin, () => post(`/domains/${extra.id}/suspend`).expect(200));
    await checkedStep(test, admin, () => post(`/customers/${customer.id}/suspend`).expect(200));
    await checkedStep(test, admin, () => post(`/customers/${customer.id}/activate`).expect(200));
    expect(await read(`/domains/${extra.id}`)).toMatchObject({
      status: 'suspended',
      suspendedReasons: ['admin'],
    });
  });

  it('suspending twice is harmless and emits one event', async () => {
    const { customer, subscription, extra } = await hosting();
    const first = await checkedStep(test, admin, () =>
      post(`/domains/${extra.id}/suspend`).expect(200),
    );
    const second = await checkedStep(test, admin, () =>
      post(`/domains/${extra.id}/suspend`).expect(200),
    );
    expect([first.events.length, second.events.length]).toEqual([1, 0]);

    await checkedStep(test, admin, () =>
      post(`/subscriptions/${subscription.id}/suspend`).expect(200),
    );
    const again = await checkedStep(test, admin, () =>
      post(`/subscriptions/${subscription.id}/suspend`).expect(200),
    );
    expect(again.events).toEqual([]);

    await checkedStep(test, admin, () => post(`/customers/${customer.id}/suspend`).expect(200));
    const twice = await checkedStep(test, admin, () =>
      post(`/customers/${customer.id}/suspend`).expect(200),
    );
    expect(twice.events).toEqual([]);
    const activateTwice = await checkedStep(test, admin, async () => {
      await post(`/customers/${customer.id}/activate`).expect(200);
      await post(`/customers/${customer.id}/activate`).expect(200);
    });
    expect(activateTwice.events.map((event) => event.type)).toEqual(['customer.activated']);
  });

  it("never touches another customer's objects", async () => {
    const target = await hosting();
    const bystander = await hosting();
    await checkedStep(test, admin, () =>
      post(`/subscriptions/${bystander.subscription.id}/suspend`).expect(200),
    );
    const suspend = await checkedStep(test, admin, () =>
      post(`/customers/${target.customer.id}/suspend`).expect(200),
    );
    expect(suspend.events.every((event) => event.customerId === target.customer.id)).toBe(true);
    const activate = await checkedStep(test, admin, () =>
      post(`/customers/${target.customer.id}/activate`).expect(200),
    );
    expect(activate.events.every((event) => event.customerId === target.customer.id)).toBe(true);
    expect(await read(`/subscriptions/${bystander.subscription.id}`)).toMatchObject({
      status: 'suspended',
      suspendedReasons: ['admin'],
    });
    expect(await read(`/customers/${bystander.customer.id}`)).toMatchObject({ status: 'active' });
  });

  it('starts a subscription created for a suspended customer with reason customer, and a domain added to a suspended subscription with reason subscription', async () => {
    const customer = await createCustomer(test, admin);
    await post(`/customers/${customer.id}/suspend`).expect(200);
    const subscription = await createSubscription(test, admin, customer.id);
    expect(subscription).toMatchObject({ status: 'suspended', suspendedReasons: ['customer'] });
    const main = (await read(`/domains?subscriptionId=${subscription.id}`)).items[0];
    expect(main).toMatchObject({ status: 'suspended', suspendedReasons: ['subscription'] });
    const extra = await createDomain(test, admin, subscription.id);
    expect(extra).toMatchObject({ status: 'suspended', suspendedReasons: ['subscription'] });
    const activate = await checkedStep(test, admin, () =>
      post(`/customers/${customer.id}/activate`).expect(200),
    );
    expect(activate.transitions).toEqual(
      [
        `customer.activated:${customer.id}`,
        `subscription.activated:${subscription.id}`,
        `domain.activated:${main.id}`,
        `domain.activated:${extra.id}`,
      ].sort(),
    );
  });

  it('sets the reason expired while expiresAt has passed and lifts it when expiresAt moves into the future or is cleared', async () => {
    const customer = await createCustomer(test, admin);
    const subscription = await createSubscription(test, admin, customer.id, {
      expiresAt: '2000-01-01T00:00:00Z',
    });
    expect(subscription).toMatchObject({ status: 'suspended', suspendedReasons: ['expired'] });
    const renew = await checkedStep(test, admin, () =>
      test
        .http()
        .patch(`/api/v1/subscriptions/${subscription.id}`)
        .set(bearer(admin))
        .send({ expiresAt: '2999-01-01T00:00:00Z' })
        .expect(200),
    );
    expect(renew.transitions).toEqual(
      [
        `subscription.activated:${subscription.id}`,
        expect.stringMatching(/^domain\.activated:/),
      ].sort(),
    );
    expect(renew.events.map((event) => event.type)).toEqual([
      'subscription.updated',
      'subscription.activated',
      'domain.activated',
    ]);

    const expire = await checkedStep(test, admin, () =>
      test
        .http()
        .patch(`/api/v1/subscriptions/${subscription.id}`)
        .set(bearer(admin))
        .send({ expiresAt: '2001-01-01T00:00:00Z' })
        .expect(200),
    );
    expect(expire.transitions).toHaveLength(2);
    await post(`/customers/${customer.id}/suspend`).expect(200);
    const clear = await checkedStep(test, admin, () =>
      test
        .http()
        .patch(`/api/v1/subscriptions/${subscription.id}`)
        .set(bearer(admin))
        .send({ expiresAt: null })
        .expect(200),
    );
    // Still suspended for its customer: the reason goes, the status stays, no status event.
    expect(clear.transitions).toEqual([]);
    expect(await read(`/subscriptions/${subscription.id}`)).toMatchObject({
      status: 'suspended',
      suspendedReasons: ['customer'],
      expiresAt: null,
    });
  });

  it('answers 404 for unknown objects and 403 for customers', async () => {
    const { customer, subscription, extra } = await hosting();
    for (const path of [
      '/customers/999999/suspend',
      '/subscriptions/999999/activate',
      '/domains/999999/suspend',
    ])
      await post(path).expect(404);
    const token = await login(test, customer.username, customer.password);
    for (const path of [
      `/customers/${customer.id}/suspend`,
      `/subscriptions/${subscription.id}/suspend`,
      `/domains/${extra.id}/suspend`,
    ]) {
      await test.http().post(`/api/v1${path}`).set(bearer(token)).expect(403);
    }
  });
});

describe('suspended customer sessions', () => {
  let test: TestApp;
  let admin: string;
  beforeAll(async () => {
    test = await startTestApp();
    admin = await loginAdmin(test);
  });
  afterAll(() => test.close());

  it('refuses login of a suspended customer with 403 account-suspended, rejects its token at once, and re-activation does not revive it', async () => {
    const customer = await createCustomer(test, admin);
    const token = await login(test, customer.username, customer.password);
    await test.http().get('/api/v1/account').set(bearer(token)).expect(200);

    await test
      .http()
      .post(`/api/v1/customers/${customer.id}/suspend`)
      .set(bearer(admin))
      .expect(200);
    await test.http().get('/api/v1/account').set(bearer(token)).expect(401);
    const refused = await test
      .http()
      .post('/api/v1/auth/login')
      .send({ username: customer.username, password: customer.password })
      .expect(403);
    expect(refused.body.type).toBe('/problems/account-suspended');

    await test
      .http()
      .post(`/api/v1/customers/${customer.id}/activate`)
      .set(bearer(admin))
      .expect(200);
    await test.http().get('/api/v1/account').set(bearer(token)).expect(401);
    const fresh = await login(test, customer.username, customer.password);
    await test.http().get('/api/v1/account').set(bearer(fresh)).expect(200);
  });
});
