import { bearer } from './support/app';
import { eventsAfter, lastEventId } from './support/hosting';
import {
  ADMIN_BASIC,
  clientRequest,
  CLIENT,
  CREATED,
  DAY,
  DOMAIN,
  ERROR,
  expectShape,
  KEY,
  pleskSpecApp,
  STATISTICS,
  STATUS,
  UUID,
} from './support/plesk';

/** /api/v2 driven the way a Plesk client drives it, over the same services as /api/v1. */
describe('Plesk REST API v2 compatibility (/api/v2)', () => {
  const plesk = pleskSpecApp();

  it('works the way a Plesk client drives it: Basic auth for a key, then X-API-Key', async () => {
    // 1. A key, with Basic auth; bound to this caller's address since no ip is given.
    const issued = await plesk.test
      .http()
      .post('/api/v2/auth/keys')
      .set(ADMIN_BASIC)
      .send({})
      .expect(201);
    expectShape(issued.body, KEY);
    const key = issued.body.key as string;
    const keys = await plesk.test
      .http()
      .get('/api/v1/api-keys')
      .set(bearer(plesk.admin))
      .expect(200);
    const bound = (keys.body as Array<{ allowedIps: string[]; access: string }>)[0];
    expect(bound).toMatchObject({ access: 'full', allowedIps: ['127.0.0.1'] });
    const api = {
      get: (path: string) => plesk.test.http().get(`/api/v2${path}`).set('X-API-Key', key),
      post: (path: string) => plesk.test.http().post(`/api/v2${path}`).set('X-API-Key', key),
      put: (path: string) => plesk.test.http().put(`/api/v2${path}`).set('X-API-Key', key),
      delete: (path: string) => plesk.test.http().delete(`/api/v2${path}`).set('X-API-Key', key),
    };

    // 2. A client.
    const request = clientRequest({
      company: 'Example GmbH',
      locale: 'de-DE',
      external_id: 'whmcs-4711',
      description: 'Pays late',
      owner_login: 'admin',
    });
    const created = await api.post('/clients').send(request).expect(201);
    expectShape(created.body, CREATED);
    expect(created.body.guid).toMatch(UUID);
    const id = created.body.id as number;

    const client = await api.get(`/clients/${id}`).expect(200);
    expectShape(client.body, CLIENT);
    expect(client.body).toEqual({
      id,
      created: new Date().toISOString().slice(0, 10),
      name: request.name,
      company: 'Example GmbH',
      login: request.login,
      status: 0,
      email: request.email,
      locale: 'de-DE',
      guid: created.body.guid,
      owner_login: 'admin',
      external_id: 'whmcs-4711',
      description: 'Pays late',
      type: 'customer',
    });
    expect((await plesk.v1Customer(id)).guid).toBe(created.body.guid);

    const list = await api.get('/clients').expect(200);
    expect(Array.isArray(list.body)).toBe(true);
    for (const listed of list.body) expectShape(listed, CLIENT);
    expect(list.body).toContainEqual(client.body);

    // 3. A partial update, then suspension and activation.
    const updated = await api.put(`/clients/${id}`).send({ company: 'Example AG' }).expect(200);
    expect(updated.body).toEqual({ id, guid: created.body.guid });
    expectShape(updated.body, CREATED);
    expect((await plesk.v1Customer(id)).company).toBe('Example AG');

    const suspended = await api.put(`/clients/${id}/suspend`).expect(200);
    expectShape(suspended.body, STATUS);
    expect(suspended.body).toEqual({ status: 'success' });
    expect((await api.get(`/clients/${id}`).expect(200)).body.status).toBe(16);
    expect(await api.put(`/clients/${id}/activate`).expect(200)).toMatchObject({
      body: { status: 'success' },
    });
    expect((await api.get(`/clients/${id}`).expect(200)).body.status).toBe(0);

    // 4. Domains and statistics (the hosting comes from /api/v1).
    const subscription = await plesk.test
      .http()
      .post('/api/v1/subscriptions')
      .set(bearer(plesk.admin))
      .send({ customerId: id, name: `bücher-${id}.example`, plan: 'Unlimited' })
      .expect(201);
    await plesk.test
      .http()
      .post('/api/v1/domains')
      .set(bearer(plesk.admin))
      .send({ subscriptionId: subscription.body.id, name: `shop.bücher-${id}.example` })
      .expect(201);
    const domains = await api.get(`/clients/${id}/domains`).expect(200);
    expect(domains.body).toHaveLength(2);
    for (const domain of domains.body) expectShape(domain, DOMAIN);
    const v1Domains = await plesk.test
      .http()
      .get(`/api/v1/domains?customerId=${id}`)
      .set(bearer(plesk.admin))
      .expect(200);
    expect(domains.body[0]).toEqual({
      id: v1Domains.body.items[0].id,
      name: `bücher-${id}.example`,
      ascii_name: v1Domains.body.items[0].name,
      hosting_type: 'virtual',
      base_domain_id: 0,
      www_root: '',
      guid: v1Domains.body.items[0].guid,
      created: expect.stringMatching(DAY),
    });
    expect(domains.body[0].ascii_name).toMatch(/^xn--/);
    expect(domains.body[0].guid).toMatch(UUID);

    const statistics = await api.get(`/clients/${id}/statistics`).expect(200);
    expectShape(statistics.body, STATISTICS);
    expect(statistics.body).toMatchObject({ active_domains: 2, subdomains: 1, disk_space: 0 });

    // 5. Removal, with the usual cascade.
    const removed = await api.delete(`/clients/${id}`).expect(200);
    expect(removed.body).toEqual({ id, guid: created.body.guid });
    const gone = await api.get(`/clients/${id}`).expect(404);
    expectShape(gone.body, ERROR);
    expect(gone.body.code).toBe(404);
    await plesk.test
      .http()
      .get(`/api/v1/domains?customerId=${id}`)
      .set(bearer(plesk.admin))
      .expect(200);

    // 6. The key goes.
    const revoked = await api.delete(`/auth/keys/${key}`).expect(200);
    expect(revoked.body).toEqual({ status: 'success' });
    expectShape(revoked.body, STATUS);
    const refused = await api.get('/clients').expect(401);
    expectShape(refused.body, ERROR);
    const unknown = await plesk.test
      .http()
      .delete(`/api/v2/auth/keys/${key}`)
      .set(ADMIN_BASIC)
      .expect(404);
    expect(unknown.body).toEqual({ code: 404, message: expect.any(String) });
  });

  describe('the same paths as /api/v1', () => {
    it('suspends through the same cascade, events and audit; status 16 and 0 in PUT too', async () => {
      const created = await plesk.test
        .http()
        .post('/api/v2/clients')
        .set(ADMIN_BASIC)
        .send(clientRequest())
        .expect(201);
      const id = created.body.id as number;
      await plesk.test
        .http()
        .post('/api/v1/subscriptions')
        .set(bearer(plesk.admin))
        .send({ customerId: id, name: `cascade-${id}.example`, plan: 'Basic' })
        .expect(201);
      const before = await lastEventId(plesk.test);

      await plesk.test
        .http()
        .put(`/api/v2/clients/${id}`)
        .set(ADMIN_BASIC)
        .send({ status: 16 })
        .expect(200);
      // Again: no transition, no event (the same idempotence as v1).
      await plesk.test.http().put(`/api/v2/clients/${id}/suspend`).set(ADMIN_BASIC).expect(200);
      const subscriptions = await plesk.test
        .http()
        .get(`/api/v1/subscriptions?customerId=${id}`)
        .set(bearer(plesk.admin))
        .expect(200);
      expect(subscriptions.body.items[0]).toMatchObject({
        status: 'suspended',
        suspendedReasons: ['customer'],
      });
      // A v2 suspension is a v1 suspension: v1 activates it.
      await plesk.test
        .http()
        .post(`/api/v1/customers/${id}/activate`)
        .set(bearer(plesk.admin))
        .expect(200);
      await plesk.test
        .http()
        .put(`/api/v2/clients/${id}`)
        .set(ADMIN_BASIC)
        .send({ status: 16 })
        .expect(200);
      await plesk.test
        .http()
        .put(`/api/v2/clients/${id}`)
        .set(ADMIN_BASIC)
        .send({ status: 0 })
        .expect(200);

      const me = await plesk.test
        .http()
        .get('/api/v1/auth/me')
        .set(bearer(plesk.admin))
        .expect(200);
      const actor = `admin:${me.body.id as number}`;
      const events = await eventsAfter(plesk.test, before);
      const customerEvents = events.filter((event) => event.objectType === 'customer');
      expect(customerEvents.map((event) => [event.type, event.actor])).toEqual([
        ['customer.suspended', actor],
        ['customer.activated', actor],
        ['customer.suspended', actor],
        ['customer.activated', actor],
      ]);
      expect(events.some((event) => event.type === 'domain.suspended')).toBe(true);
    });

    it('creates a client suspended when asked to, and validates like v1', async () => {
      const created = await plesk.test
        .http()
        .post('/api/v2/clients')
        .set(ADMIN_BASIC)
        .send(clientRequest({ status: 16 }))
        .expect(201);
      expect((await plesk.v1Customer(created.body.id)).status).toBe('suspended');
      const weak = clientRequest();
      const response = await plesk.test
        .http()
        .post('/api/v2/clients')
        .set(ADMIN_BASIC)
        .send({ ...weak, password: `${weak.login}-secret` })
        .expect(400);
      expect(response.body.message).toMatch(/password must not contain the username/);
    });
  });

  it('has its own tag in the OpenAPI document, with the key and Basic schemes', async () => {
    const document = (await plesk.test.http().get('/api/docs-json').expect(200)).body;
    const operation = document.paths['/api/v2/clients'].post;
    expect(operation.tags).toEqual(['plesk-compatible (api/v2)']);
    expect(operation.security).toEqual(expect.arrayContaining([{ apiKey: [] }, { basic: [] }]));
    expect(document.components.securitySchemes.basic).toEqual({ type: 'http', scheme: 'basic' });
    expect(
      Object.keys(document.paths)
        .filter((path) => path.startsWith('/api/v2'))
        .sort(),
    ).toEqual([
      '/api/v2/auth/keys',
      '/api/v2/auth/keys/{key}',
      '/api/v2/clients',
      '/api/v2/clients/{id}',
      '/api/v2/clients/{id}/activate',
      '/api/v2/clients/{id}/domains',
      '/api/v2/clients/{id}/statistics',
      '/api/v2/clients/{id}/suspend',
    ]);
  });
});
