import { bearer, login, loginAdmin, startTestApp, TestApp } from './support/app';
import { expectEveryAnswerDocumented } from './support/openapi-contract';
import { createCustomer } from './support/factories';
import { createDomain, createSubscription, eventsAfter, lastEventId } from './support/hosting';

describe('domains', () => {
  let test: TestApp;
  let admin: string;
  beforeAll(async () => {
    test = await startTestApp();
    admin = await loginAdmin(test);
  });
  expectEveryAnswerDocumented(() => test);
  afterAll(() => test.close());

  const add = (token: string, subscriptionId: number, name: unknown) =>
    test.http().post('/api/v1/domains').set(bearer(token)).send({ subscriptionId, name });

  it('stores IDNs as lower-case punycode and returns the Unicode form too', async () => {
    const customer = await createCustomer(test, admin);
    const subscription = await createSubscription(test, admin, customer.id);
    const created = await add(admin, subscription.id, 'Bücher.Example').expect(201);
    expect(created.headers.location).toBe(`/api/v1/domains/${created.body.id}`);
    expect(created.body).toEqual({
      id: expect.any(Number),
      subscriptionId: subscription.id,
      customerId: customer.id,
      name: 'xn--bcher-kva.example',
      unicodeName: 'bücher.example',
      status: 'active',
      suspendedReasons: [],
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      guid: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
    });
    const found = await test.http().get('/api/v1/domains?q=bücher').set(bearer(admin)).expect(200);
    expect(found.body.items.map((d: { id: number }) => d.id)).toEqual([created.body.id]);
  });

  it('keeps names unique across the whole system: 409 in any spelling, also for another customer', async () => {
    const one = await createSubscription(test, admin, (await createCustomer(test, admin)).id);
    const two = await createSubscription(test, admin, (await createCustomer(test, admin)).id);
    await add(admin, one.id, 'shared-name.example').expect(201);
    for (const spelling of [
      'shared-name.example',
      'SHARED-NAME.EXAMPLE',
      ' Shared-Name.example ',
    ]) {
      const clash = await add(admin, two.id, spelling).expect(409);
      expect(clash.body.errors).toEqual([
        { field: 'name', code: 'not_unique', message: 'is already taken' },
      ]);
    }
    await add(admin, two.id, 'xn--bcher-kva.example').expect(409); // created above in Unicode
  });

  it('validates host names', async () => {
    const subscription = await createSubscription(
      test,
      admin,
      (await createCustomer(test, admin)).id,
    );
    const invalid = [
      '',
      'localhost',
      '-lead.example',
      'trail-.example',
      'a..example',
      'under_score.example',
      'sp ace.example',
      'http://x.example',
      `${'a'.repeat(64)}.example`,
      `${Array.from({ length: 50 }, () => 'abcd').join('.')}.example`,
      '10.0.0.1',
      'xn--zz.example',
      42,
      null,
    ];
    for (const name of invalid) {
      const response = await add(admin, subscription.id, name);
      expect([name, response.status, response.body.type]).toEqual([
        name,
        400,
        '/problems/validation-failed',
      ]);
    }
    await add(admin, subscription.id, `${'a'.repeat(63)}.example`).expect(201);
    await add(admin, 999999, 'fine-name.example').expect(404);
  });

  it('lets customers list and read their own domains and add or remove domains in their own active subscriptions only', async () => {
    const owner = await createCustomer(test, admin);
    const other = await createCustomer(test, admin);
    const mine = await createSubscription(test, admin, owner.id);
    const theirs = await createSubscription(test, admin, other.id);
    const theirDomain = await createDomain(test, admin, theirs.id);
    const token = await login(test, owner.username, owner.password);

    const before = await lastEventId(test);
    const added = await createDomain(test, token, mine.id);
    await test.http().delete(`/api/v1/domains/${added.id}`).set(bearer(token)).expect(204);
    const events = await eventsAfter(test, before);
    expect(events.map((e) => [e.type, e.objectId, e.actor])).toEqual([
      ['domain.created', added.id, `customer:${owner.id}`],
      ['domain.deleted', added.id, `customer:${owner.id}`],
    ]);
    expect(events[1].payload).toEqual({ domain: added });

    const list = await test.http().get('/api/v1/domains').set(bearer(token)).expect(200);
    expect(list.body.items.map((d: { subscriptionId: number }) => d.subscriptionId)).toEqual([
      mine.id,
    ]);
    await test
      .http()
      .get(`/api/v1/domains?customerId=${other.id}`)
      .set(bearer(token))
      .expect(200)
      .expect(({ body }) => expect(body.items).toEqual([]));
    await test.http().get(`/api/v1/domains/${theirDomain.id}`).set(bearer(token)).expect(404);
    await add(token, theirs.id, 'sneaky.example').expect(404);
    await test.http().delete(`/api/v1/domains/${theirDomain.id}`).set(bearer(token)).expect(404);
    await test
      .http()
      .post(`/api/v1/domains/${theirDomain.id}/suspend`)
      .set(bearer(token))
      .expect(403);

    const kept = await createDomain(test, token, mine.id);
    await test
      .http()
      .post(`/api/v1/subscriptions/${mine.id}/suspend`)
      .set(bearer(admin))
      .expect(200);
    const refused = await add(token, mine.id, 'while-suspended.example').expect(409);
    expect(refused.body.detail).toMatch(/suspended/);
    await test.http().delete(`/api/v1/domains/${kept.id}`).set(bearer(token)).expect(409);
    // Administrators may still add: the domain starts suspended with its subscription.
    expect(await createDomain(test, admin, mine.id)).toMatchObject({
      status: 'suspended',
      suspendedReasons: ['subscription'],
    });
  });

  it('refuses to remove the main domain apart from its subscription', async () => {
    const subscription = await createSubscription(
      test,
      admin,
      (await createCustomer(test, admin)).id,
    );
    const main = (
      await test
        .http()
        .get(`/api/v1/domains?subscriptionId=${subscription.id}`)
        .set(bearer(admin))
        .expect(200)
    ).body.items[0];
    const refused = await test
      .http()
      .delete(`/api/v1/domains/${main.id}`)
      .set(bearer(admin))
      .expect(409);
    expect(refused.body.detail).toMatch(/main domain/);
  });

  it('filters by subscription, customer and status, with keyset pagination', async () => {
    const customer = await createCustomer(test, admin);
    const subscription = await createSubscription(test, admin, customer.id);
    const extra = [
      await createDomain(test, admin, subscription.id),
      await createDomain(test, admin, subscription.id),
    ];
    await test.http().post(`/api/v1/domains/${extra[1].id}/suspend`).set(bearer(admin)).expect(200);
    const page = await test
      .http()
      .get(`/api/v1/domains?customerId=${customer.id}&limit=2`)
      .set(bearer(admin))
      .expect(200);
    expect(page.body.items).toHaveLength(2);
    const rest = await test
      .http()
      .get(`/api/v1/domains?customerId=${customer.id}&limit=2&cursor=${page.body.nextCursor}`)
      .set(bearer(admin))
      .expect(200);
    expect(rest.body).toEqual({
      items: [expect.objectContaining({ id: extra[1].id })],
      nextCursor: null,
    });
    const suspended = await test
      .http()
      .get(`/api/v1/domains?subscriptionId=${subscription.id}&status=suspended`)
      .set(bearer(admin))
      .expect(200);
    expect(suspended.body.items.map((d: { id: number }) => d.id)).toEqual([extra[1].id]);
    await test.http().get('/api/v1/domains?status=gone').set(bearer(admin)).expect(400);
  });
});
