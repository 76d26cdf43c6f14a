import { bearer, login, loginAdmin, startTestApp, TestApp } from './support/app';
import { eventually } from './support/eventually';
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

  /** The SQL statements the application sends while `work` runs, as its connection pool sees them. */
  async function statementsDuring(work: () => Promise<unknown>): Promise<string[]> {
    const knex = test.orm.em.getConnection().getKnex();
    const statements: string[] = [];
    const record = (query: { sql: string }) => statements.push(query.sql);
    knex.on('query', record);
    try {
      await work();
    } finally {
      knex.off('query', record);
    }
    return statements;
  }

  it('counts subscriptions and domains per customer on the list, one query per page', async () => {
    // Newest first: a page of 20 holds `customer` and the 19 created before it.
    for (let i = 0; i < 19; i += 1) {
      const other = await createCustomer(test, admin);
      await seedHosting(test, other.id, { subscriptions: 1, domainsPerSubscription: 2 });
    }
    const customer = await createCustomer(test, admin);
    await seedHosting(test, customer.id, { subscriptions: 3, domainsPerSubscription: 4 });
    // The relay of the events just written runs after their commits, on the same pool: let it
    // finish, so that only the list's own statements are counted.
    const unrelayed = async () => {
      const [row] = await test
        .em()
        .getConnection()
        .execute<Array<{ n: number }>>(
          'SELECT COUNT(*) AS n FROM outbox_event WHERE dispatched_at IS NULL',
        );
      return Number(row.n);
    };
    expect(await eventually(unrelayed, 0)).toBe(0);
    const page = async (limit: number) => {
      let items: Array<{ id: number; counts: { subscriptions: number; domains: number } }> = [];
      const statements = await statementsDuring(async () => {
        const list = await test
          .http()
          .get(`/api/v1/customers?limit=${limit}`)
          .set(bearer(admin))
          .expect(200);
        items = list.body.items;
      });
      return { items, statements };
    };

    const small = await page(5);
    const large = await page(20);
    expect(small.items).toHaveLength(5);
    expect(large.items).toHaveLength(20);
    expect(large.items.find((item) => item.id === customer.id)?.counts).toEqual({
      subscriptions: 3,
      domains: 12,
    });
    expect(
      large.items.filter((item) => item.id !== customer.id).map((item) => item.counts),
    ).toEqual(Array(19).fill({ subscriptions: 1, domains: 2 }));
    // The counts come from one statement whatever the page size, and a bigger page costs no more statements.
    const counting = (statements: string[]) =>
      statements.filter((sql) => /\b(subscription|domain)\b/i.test(sql));
    expect(counting(small.statements)).toHaveLength(1);
    expect(counting(large.statements)).toHaveLength(1);
    expect(large.statements).toHaveLength(small.statements.length);
  });
});
