import type { Test } from 'supertest';
import { bearer, login } from './support/app';
import { ADMIN } from './support/database';
import { createCustomer } from './support/factories';
import {
  ADMIN_BASIC,
  basic,
  clientRequest,
  ERROR,
  expectShape,
  pleskSpecApp,
} from './support/plesk';

/** Who may use /api/v2, how keys are made there, and Plesk's `{code, message}` for every error. */
describe('Plesk REST API v2: authentication, keys and errors', () => {
  const plesk = pleskSpecApp();

  describe('authentication', () => {
    it('accepts Basic with an administrator password and any administrator key', async () => {
      await plesk.test.http().get('/api/v2/clients').set(ADMIN_BASIC).expect(200);
      const created = await plesk.test
        .http()
        .post('/api/v1/api-keys')
        .set(bearer(plesk.admin))
        .send({ name: 'v1 key' })
        .expect(201);
      await plesk.test.http().get('/api/v2/clients').set('X-API-Key', created.body.key).expect(200);
    });

    it("refuses no credentials, wrong ones, session tokens and customers' credentials", async () => {
      const customer = await createCustomer(plesk.test, plesk.admin);
      const customerToken = await login(plesk.test, customer.username, customer.password);
      const cases: Array<[Record<string, string>, number]> = [
        [{}, 401],
        [basic(ADMIN.username, 'wrong-password'), 401],
        [basic('nobody', 'whatever-1'), 401],
        [{ Authorization: 'Basic !!!' }, 401],
        [{ 'X-API-Key': 'ck_unknown' }, 401],
        [bearer(plesk.admin), 401],
        [bearer(customerToken), 401],
        [basic(customer.username, customer.password), 403],
      ];
      for (const [headers, status] of cases) {
        const response = await plesk.test.http().get('/api/v2/clients').set(headers);
        expect([JSON.stringify(headers), response.status]).toEqual([
          JSON.stringify(headers),
          status,
        ]);
        expectShape(response.body, ERROR);
        expect(response.body.code).toBe(status);
        expect(response.headers['content-type']).toMatch(/^application\/json/);
      }
      const anonymous = await plesk.test.http().get('/api/v2/clients');
      expect(anonymous.headers['www-authenticate']).toBe('Basic realm="clientele"');
    });

    it('throttles wrong Basic passwords like failed logins (429)', async () => {
      const customer = await createCustomer(plesk.test, plesk.admin);
      for (let attempt = 0; attempt < 5; attempt += 1)
        await plesk.test
          .http()
          .get('/api/v2/clients')
          .set(basic(customer.username, `wrong-${attempt}`))
          .expect(401);
      const throttled = await plesk.test
        .http()
        .get('/api/v2/clients')
        .set(basic(customer.username, customer.password))
        .expect(429);
      expect(throttled.body).toEqual({ code: 429, message: expect.any(String) });
      expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    });

    it('lets a read-only key read but not change (403)', async () => {
      const created = await plesk.test
        .http()
        .post('/api/v1/api-keys')
        .set(bearer(plesk.admin))
        .send({ name: 'reader', access: 'read-only' })
        .expect(201);
      const key = created.body.key as string;
      await plesk.test.http().get('/api/v2/clients').set('X-API-Key', key).expect(200);
      const refused = await plesk.test
        .http()
        .post('/api/v2/clients')
        .set('X-API-Key', key)
        .send(clientRequest())
        .expect(403);
      expect(refused.body.code).toBe(403);
    });
  });

  describe('keys', () => {
    it('binds a key to ip and ips, and takes a description as its name', async () => {
      const issued = await plesk.test
        .http()
        .post('/api/v2/auth/keys')
        .set(ADMIN_BASIC)
        .send({ ip: '192.0.2.10', ips: ['10.0.0.0/8', '2001:db8::1'], description: 'WHMCS' })
        .expect(201);
      const keys = await plesk.test
        .http()
        .get('/api/v1/api-keys')
        .set(bearer(plesk.admin))
        .expect(200);
      expect(keys.body[0]).toMatchObject({
        name: 'WHMCS',
        allowedIps: ['192.0.2.10', '10.0.0.0/8', '2001:db8::1'],
      });
      // Bound elsewhere: not usable from here.
      await plesk.test.http().get('/api/v2/clients').set('X-API-Key', issued.body.key).expect(401);
    });

    it('creates keys only with Basic auth, for administrators, with valid addresses', async () => {
      const created = await plesk.test
        .http()
        .post('/api/v1/api-keys')
        .set(bearer(plesk.admin))
        .send({ name: 'automation' })
        .expect(201);
      const withKey = await plesk.test
        .http()
        .post('/api/v2/auth/keys')
        .set('X-API-Key', created.body.key)
        .send({})
        .expect(403);
      expectShape(withKey.body, ERROR);
      const customer = await createCustomer(plesk.test, plesk.admin);
      for (const body of [
        { ip: 'not-an-ip' },
        { ips: ['10.0.0.0/40'] },
        { login: customer.username },
      ])
        expectShape(
          (
            await plesk.test
              .http()
              .post('/api/v2/auth/keys')
              .set(ADMIN_BASIC)
              .send(body)
              .expect(400)
          ).body,
          ERROR,
        );
    });
  });

  describe('errors', () => {
    it.each([
      [{ type: 'reseller' }, /resellers are not managed here/],
      [{ type: 'admin' }, /resellers are not managed here, nor administrators/],
      [{ status: 4 }, /status must be 0 \(active\) or 16 \(suspended\)/],
      [{ owner_login: 'reseller1' }, /resellers are not managed here/],
      [{ login: 'admin' }, /login/],
      [{ email: 'not-an-email' }, /email/],
      [{ username: 'x' }, /username/],
      [{ type: undefined }, /type/],
    ])('refuses a ClientRequest with %p: 400 {code, message}', async (overrides, message) => {
      const body = clientRequest(overrides);
      const response = await plesk.test
        .http()
        .post('/api/v2/clients')
        .set(ADMIN_BASIC)
        .send(body)
        .expect(400);
      expectShape(response.body, ERROR);
      expect(response.body.code).toBe(400);
      expect(response.body.message).toMatch(message);
      const list = await plesk.test.http().get('/api/v2/clients').set(ADMIN_BASIC).expect(200);
      expect(list.body.map((client: { login: string }) => client.login)).not.toContain(body.login);
    });

    it('updates only the fields PUT sends: null clears company and description, and is refused for the others', async () => {
      const client = await createCustomer(plesk.test, plesk.admin);
      const put = (body: object) =>
        plesk.test.http().put(`/api/v2/clients/${client.id}`).set(ADMIN_BASIC).send(body);
      await put({ company: 'Example GmbH', description: 'Pays late' }).expect(200);
      expect(await plesk.v1Customer(client.id)).toMatchObject({
        name: client.name,
        company: 'Example GmbH',
        description: 'Pays late',
      });
      for (const field of ['name', 'login', 'password', 'email', 'type', 'status', 'locale']) {
        const response = await put({ [field]: null });
        expect([field, response.status]).toEqual([field, 400]);
        expectShape(response.body, ERROR);
        expect(response.body.message).toContain(field);
      }
      await put({ company: null, description: null }).expect(200);
      expect(await plesk.v1Customer(client.id)).toMatchObject({
        name: client.name,
        username: client.username,
        company: null,
        description: null,
      });
    });

    it('answers malformed JSON, bad and unknown ids, taken logins and unknown routes in Plesk form', async () => {
      const taken = await createCustomer(plesk.test, plesk.admin);
      const cases: Array<[() => Test, number]> = [
        [
          () =>
            plesk.test
              .http()
              .post('/api/v2/clients')
              .set(ADMIN_BASIC)
              .set('Content-Type', 'application/json')
              .send('{"name": '),
          400,
        ],
        [() => plesk.test.http().get('/api/v2/clients/abc').set(ADMIN_BASIC), 400],
        [() => plesk.test.http().get('/api/v2/clients/999999').set(ADMIN_BASIC), 404],
        [() => plesk.test.http().put('/api/v2/clients/999999').set(ADMIN_BASIC).send({}), 404],
        [() => plesk.test.http().delete('/api/v2/clients/999999').set(ADMIN_BASIC), 404],
        [() => plesk.test.http().put('/api/v2/clients/999999/suspend').set(ADMIN_BASIC), 404],
        [() => plesk.test.http().put('/api/v2/clients/999999/activate').set(ADMIN_BASIC), 404],
        [() => plesk.test.http().get('/api/v2/clients/999999/domains').set(ADMIN_BASIC), 404],
        [() => plesk.test.http().get('/api/v2/clients/999999/statistics').set(ADMIN_BASIC), 404],
        [() => plesk.test.http().get('/api/v2/server').set(ADMIN_BASIC), 404],
        [
          () =>
            plesk.test
              .http()
              .post('/api/v2/clients')
              .set(ADMIN_BASIC)
              .send(clientRequest({ login: taken.username })),
          409,
        ],
        [
          () =>
            plesk.test
              .http()
              .put(`/api/v2/clients/${taken.id}`)
              .set(ADMIN_BASIC)
              .send({ status: 'suspended' }),
          400,
        ],
        [
          () =>
            plesk.test
              .http()
              .put(`/api/v2/clients/${taken.id}`)
              .set(ADMIN_BASIC)
              .send({ nickname: 'x' }),
          400,
        ],
      ];
      for (const [index, [send, status]] of cases.entries()) {
        const response = await send();
        expect([index, response.status]).toEqual([index, status]);
        expectShape(response.body, ERROR);
        expect(response.body.code).toBe(status);
      }
      expect((await plesk.v1Customer(taken.id)).status).toBe('active');
    });
  });
});
