import { bearer, loginAdmin, startTestApp, TestApp } from './support/app';
import { createCustomer } from './support/factories';
import { eventsAfter, lastEventId, seedHosting } from './support/hosting';
import { statusSnapshot } from './support/transitions';

/**
 * Many status changes of one customer's objects at once: every request succeeds (no deadlock, no
 * 5xx), the invariants hold afterwards, and the events tell exactly what happened: per object they
 * alternate suspended/activated, the last one matches the final status, and the per-customer
 * sequence has no gap and no duplicate.
 */
describe('concurrent status changes', () => {
  let test: TestApp;
  let admin: string;
  beforeAll(async () => {
    test = await startTestApp();
    admin = await loginAdmin(test);
  });
  afterAll(() => test.close());

  it('serialise per customer and leave events that replay to the final state', async () => {
    const customer = await createCustomer(test, admin);
    const neighbour = await createCustomer(test, admin);
    const { subscriptionIds } = await seedHosting(test, customer.id, {
      subscriptions: 3,
      domainsPerSubscription: 20,
    });
    const neighbourHosting = await seedHosting(test, neighbour.id, {
      subscriptions: 1,
      domainsPerSubscription: 10,
    });
    const domainIds = (
      await test
        .em()
        .getConnection()
        .execute<Array<{ id: number }>>(
          'SELECT id FROM domain WHERE customer_id = ? ORDER BY id LIMIT 6',
          [customer.id],
        )
    ).map((row) => row.id);
    const before = await lastEventId(test);
    const before_ = await statusSnapshot(test);

    const paths: string[] = [];
    for (let round = 0; round < 4; round += 1) {
      paths.push(
        `/customers/${customer.id}/suspend`,
        `/customers/${neighbour.id}/${round % 2 ? 'activate' : 'suspend'}`,
      );
      for (const id of subscriptionIds)
        paths.push(`/subscriptions/${id}/${(id + round) % 2 ? 'suspend' : 'activate'}`);
      paths.push(`/subscriptions/${neighbourHosting.subscriptionIds[0]}/suspend`);
      for (const id of domainIds)
        paths.push(`/domains/${id}/${(id + round) % 3 ? 'suspend' : 'activate'}`);
      paths.push(`/customers/${customer.id}/activate`);
    }
    const statuses = await Promise.all(
      paths.map(
        async (path) => (await test.http().post(`/api/v1${path}`).set(bearer(admin))).status,
      ),
    );
    expect(statuses.filter((status) => status !== 200)).toEqual([]);

    const after = await statusSnapshot(test);
    const events = (await eventsAfter(test, before)).filter((event) =>
      /\.(suspended|activated)$/.test(event.type),
    );
    const byObject = new Map<string, string[]>();
    for (const event of events)
      byObject.set(`${event.objectType}:${event.objectId}`, [
        ...(byObject.get(`${event.objectType}:${event.objectId}`) ?? []),
        event.type.split('.')[1],
      ]);
    for (const [key, state] of after) {
      const history = byObject.get(key) ?? [];
      const replayed = history.reduce(
        (status, change) => {
          // Each event is a real transition: it never repeats the status the object already had.
          expect([key, change]).not.toEqual([key, status === 'active' ? 'activated' : 'suspended']);
          return change === 'activated' ? 'active' : 'suspended';
        },
        before_.get(key)?.status ?? 'active',
      );
      expect([key, replayed]).toEqual([key, state.status]);
    }

    const sequences = await test
      .em()
      .getConnection()
      .execute<
        Array<{
          customer_id: number;
          n: string;
          low: number;
          high: number;
          distinct_n: string;
          last: number;
        }>
      >(
        `SELECT e.customer_id, COUNT(*) AS n, MIN(e.sequence) AS low, MAX(e.sequence) AS high, COUNT(DISTINCT e.sequence) AS distinct_n, c.event_sequence AS last
           FROM outbox_event e JOIN customer c ON c.id = e.customer_id WHERE e.customer_id IN (?, ?) GROUP BY e.customer_id, c.event_sequence`,
        [customer.id, neighbour.id],
      );
    for (const row of sequences) {
      expect({
        customer: row.customer_id,
        low: row.low,
        high: row.high,
        distinct: Number(row.distinct_n),
        last: row.last,
      }).toEqual({
        customer: row.customer_id,
        low: 1,
        high: Number(row.n),
        distinct: Number(row.n),
        last: Number(row.n),
      });
    }
  });
});
