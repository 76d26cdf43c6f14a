import { bearer, login, loginAdmin, startTestApp, TestApp } from './support/app';
import { createCustomer } from './support/factories';
import { createSubscription, eventsAfter, lastEventId, seedHosting } from './support/hosting';

describe('customer removal', () => {
  let test: TestApp;
  let admin: string;
  beforeAll(async () => {
    test = await startTestApp();
    admin = await loginAdmin(test);
  });
  afterAll(() => test.close());

  const count = async (sql: string, params: unknown[]) =>
    Number((await test.em().getConnection().execute<Array<{ n: string }>>(sql, params))[0].n);

  it('removes a customer with 2 subscriptions and 50 domains: none left, names free for reuse, one customer.deleted with the snapshot', async () => {
    const customer = await createCustomer(test, admin, { description: 'staff note' });
    const bystander = await createCustomer(test, admin);
    const { subscriptionIds, domainNames } = await seedHosting(test, customer.id, {
      subscriptions: 2,
      domainsPerSubscription: 25,
    });
    const kept = await createSubscription(test, admin, bystander.id);
    const token = await login(test, customer.username, customer.password);
    const detail = await test
      .http()
      .get(`/api/v1/customers/${customer.id}`)
      .set(bearer(admin))
      .expect(200);
    expect(detail.body.counts).toEqual({ subscriptions: 2, domains: 50 });

    const before = await lastEventId(test);
    await test.http().delete(`/api/v1/customers/${customer.id}`).set(bearer(admin)).expect(204);

    expect(
      await count('SELECT COUNT(*) AS n FROM subscription WHERE customer_id = ?', [customer.id]),
    ).toBe(0);
    expect(
      await count(
        'SELECT COUNT(*) AS n FROM domain WHERE customer_id = ? OR subscription_id IN (?, ?)',
        [customer.id, ...subscriptionIds],
      ),
    ).toBe(0);
    expect(
      await count('SELECT COUNT(*) AS n FROM auth_session WHERE customer_id = ?', [customer.id]),
    ).toBe(0);
    await test.http().get('/api/v1/account').set(bearer(token)).expect(401);
    await test.http().get(`/api/v1/customers/${customer.id}`).set(bearer(admin)).expect(404);
    await test.http().get(`/api/v1/subscriptions/${kept.id}`).set(bearer(admin)).expect(200);

    const events = await eventsAfter(test, before);
    expect(
      events.map((event) => [event.type, event.objectId, event.customerId, event.actor]),
    ).toEqual([['customer.deleted', customer.id, customer.id, 'admin:1']]);
    const { counts: _counts, ...adminView } = detail.body;
    expect(events[0].payload).toEqual({
      customer: adminView,
      subscriptions: subscriptionIds.map((id, index) => ({
        id,
        name: domainNames[index * 25],
        plan: 'Seeded',
        domains: domainNames.slice(index * 25, index * 25 + 25),
      })),
    });
    expect(events[0].sequence).toBe(2); // after customer.created

    // The names are free again, for anyone.
    const reused = await createSubscription(test, admin, bystander.id, { name: domainNames[0] });
    await test
      .http()
      .post('/api/v1/domains')
      .set(bearer(admin))
      .send({ subscriptionId: reused.id, name: domainNames[1] })
      .expect(201);
    await test.http().delete(`/api/v1/customers/${customer.id}`).set(bearer(admin)).expect(404);
  });

  it('counts subscriptions and domains per customer on the list, one query per page', async () => {
    const customer = await createCustomer(test, admin);
    await seedHosting(test, customer.id, { subscriptions: 3, domainsPerSubscription: 4 });
    const list = await test.http().get('/api/v1/customers?limit=5').set(bearer(admin)).expect(200);
    const row = list.body.items.find((item: { id: number }) => item.id === customer.id);
    expect(row.counts).toEqual({ subscriptions: 3, domains: 12 });
  });
});
