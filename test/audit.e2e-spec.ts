import { bearer, login, loginAdmin, startTestApp, TestApp } from './support/app';
import { createCustomer } from './support/factories';
import { createDomain, createSubscription } from './support/hosting';

describe('audit trail', () => {
  let test: TestApp;
  let admin: string;
  beforeAll(async () => {
    test = await startTestApp();
    admin = await loginAdmin(test);
  });
  afterAll(() => test.close());

  const audit = (query: string, token = admin) =>
    test.http().get(`/api/v1/audit${query}`).set(bearer(token));

  it('tells administrators who did what to an object and when, newest first', async () => {
    const customer = await createCustomer(test, admin);
    const subscription = await createSubscription(test, admin, customer.id);
    const token = await login(test, customer.username, customer.password);
    const domain = await createDomain(test, token, subscription.id);
    await test
      .http()
      .post(`/api/v1/customers/${customer.id}/suspend`)
      .set(bearer(admin))
      .expect(200);

    const trail = await audit(`?objectType=domain&objectId=${domain.id}`).expect(200);
    expect(
      trail.body.items.map((entry: { type: string; actor: string }) => [entry.type, entry.actor]),
    ).toEqual([
      ['domain.suspended', 'admin:1'],
      ['domain.created', `customer:${customer.id}`],
    ]);
    expect(trail.body.items[0]).toEqual({
      id: expect.stringMatching(/^\d+$/),
      type: 'domain.suspended',
      actor: 'admin:1',
      object: { type: 'domain', id: domain.id },
      customerId: customer.id,
      jobId: null,
      occurredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      data: expect.objectContaining({ reasonsBefore: [], reasonsAfter: ['subscription'] }),
    });

    const everything = await audit(`?customerId=${customer.id}`).expect(200);
    expect(everything.body.items.map((entry: { type: string }) => entry.type)).toEqual([
      'domain.suspended',
      'domain.suspended',
      'subscription.suspended',
      'customer.suspended',
      'domain.created',
      'domain.created',
      'subscription.created',
      'customer.created',
    ]);
    const byCustomer = await audit(`?actor=customer:${customer.id}`).expect(200);
    expect(
      byCustomer.body.items.map((entry: { object: { id: number } }) => entry.object.id),
    ).toEqual([domain.id]);
  });

  it('pages with a cursor', async () => {
    const customer = await createCustomer(test, admin);
    await createSubscription(test, admin, customer.id);
    const first = await audit(`?customerId=${customer.id}&limit=2`).expect(200);
    expect(first.body.items.map((entry: { type: string }) => entry.type)).toEqual([
      'domain.created',
      'subscription.created',
    ]);
    const second = await audit(
      `?customerId=${customer.id}&limit=2&cursor=${first.body.nextCursor}`,
    ).expect(200);
    expect(second.body).toEqual({
      items: [expect.objectContaining({ type: 'customer.created' })],
      nextCursor: null,
    });
  });

  it('is for administrators only and validates its filters', async () => {
    const customer = await createCustomer(test, admin);
    const token = await login(test, customer.username, customer.password);
    await audit('', token).expect(403);
    await audit('?objectId=1').expect(400);
    await audit('?objectType=planet').expect(400);
    await audit('?actor=root').expect(400);
    await audit('?cursor=%%%').expect(400);
  });
});
