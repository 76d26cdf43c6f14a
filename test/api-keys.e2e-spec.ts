import { createHash } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import request from 'supertest';
import { bearer, login, loginAdmin, startTestApp, TestApp } from './support/app';
import { eventually } from './support/browser';
import { createCustomer } from './support/factories';
import { eventsAfter, lastEventId } from './support/hosting';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

interface CreatedKey {
  id: number;
  key: string;
  [field: string]: unknown;
}

/**
 * API keys against two API processes on one database. The first listens on every interface, so a
 * request to 127.0.0.1 arrives from 127.0.0.1 and one to [::1] from ::1: real IPv4 and IPv6 clients.
 */
describe('API keys', () => {
  let test: TestApp;
  let second: TestApp | undefined;
  let admin: string;
  let port: number;
  const v4 = () => request(`http://127.0.0.1:${port}`);
  const v6 = () => request(`http://[::1]:${port}`);

  beforeAll(async () => {
    test = await startTestApp();
    await test.app.listen(0, '::');
    port = (test.app.getHttpServer().address() as AddressInfo).port;
    admin = await loginAdmin(test);
    // A second API process on the same database, behind a proxy it trusts (X-Forwarded-For).
    second = await startTestApp({ TRUST_PROXY: 'true' }, { reset: false });
  });
  afterAll(async () => {
    await second?.close();
    await test?.close();
  });

  async function createKey(body: Record<string, unknown> = {}): Promise<CreatedKey> {
    const response = await test
      .http()
      .post('/api/v1/api-keys')
      .set(bearer(admin))
      .send({ name: 'Billing', ...body });
    if (response.status !== 201)
      throw new Error(`creating a key failed: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body as CreatedKey;
  }

  const keyRow = async (id: number) =>
    (
      await test
        .em()
        .getConnection()
        .execute<
          Array<{ key_hash: string; last_used_at: string | null; last_used_ip: string | null }>
        >(
          "SELECT key_hash, DATE_FORMAT(last_used_at, '%Y-%m-%dT%H:%i:%s.%fZ') AS last_used_at, last_used_ip FROM api_key WHERE id = ?",
          [id],
        )
    )[0];

  describe('creating and listing', () => {
    it('shows a prefixed key of 32 random bytes once and stores only its SHA-256', async () => {
      const created = await createKey({
        access: 'read-only',
        allowedIps: ['203.0.113.7', '10.0.0.0/8', '2001:DB8::/32'],
        expiresAt: '2099-01-01T00:00:00.000Z',
      });
      expect(created.key).toMatch(/^ck_[A-Za-z0-9_-]{43}$/);
      expect(created).toEqual({
        id: expect.any(Number),
        key: created.key,
        name: 'Billing',
        access: 'read-only',
        allowedIps: ['203.0.113.7', '10.0.0.0/8', '2001:db8::/32'],
        expiresAt: '2099-01-01T00:00:00.000Z',
        lastUsedAt: null,
        lastUsedIp: null,
        createdAt: expect.any(String),
      });
      const row = await keyRow(created.id);
      expect(row.key_hash).toBe(sha256(created.key));
      const dump = JSON.stringify(
        await test.em().getConnection().execute('SELECT * FROM api_key WHERE id = ?', [created.id]),
      );
      expect(dump).not.toContain(created.key.slice(3));

      const list = await test.http().get('/api/v1/api-keys').set(bearer(admin)).expect(200);
      const listed = (list.body as Array<Record<string, unknown>>).find(
        (key) => key.id === created.id,
      );
      const { key: _key, ...withoutKey } = created;
      expect(listed).toEqual(withoutKey);
      expect(JSON.stringify(list.body)).not.toContain(created.key);
    });

    it.each([
      [{ name: 'x', expiresAt: '2020-01-01T00:00:00Z' }, 'expiresAt'],
      [{ name: 'x', expiresAt: 'tomorrow' }, 'expiresAt'],
      [{ name: 'x', allowedIps: ['300.1.1.1'] }, 'allowedIps'],
      [{ name: 'x', allowedIps: ['10.0.0.0/33'] }, 'allowedIps'],
      [{ name: 'x', allowedIps: ['2001:db8::/129'] }, 'allowedIps'],
      [{ name: 'x', allowedIps: ['example.com'] }, 'allowedIps'],
      [{ name: 'x', allowedIps: '10.0.0.1' }, 'allowedIps'],
      [{ name: 'x', access: 'write-only' }, 'access'],
      [{ name: '' }, 'name'],
      [{ name: 'x', key: 'ck_mine' }, 'key'],
    ])('refuses %p with 400 naming %s, and creates nothing', async (body, field) => {
      const before = await test.http().get('/api/v1/api-keys').set(bearer(admin)).expect(200);
      const response = await test
        .http()
        .post('/api/v1/api-keys')
        .set(bearer(admin))
        .send(body)
        .expect(400);
      expect(
        (response.body as { errors: Array<{ field: string }> }).errors[0].field.split('.')[0],
      ).toBe(field);
      const after = await test.http().get('/api/v1/api-keys').set(bearer(admin)).expect(200);
      expect(after.body).toEqual(before.body);
    });

    it('is for administrators: customers get 403, and a key cannot create keys', async () => {
      const customer = await createCustomer(test, admin);
      const token = await login(test, customer.username, customer.password);
      await test.http().get('/api/v1/api-keys').set(bearer(token)).expect(403);
      await test.http().post('/api/v1/api-keys').set(bearer(token)).send({ name: 'x' }).expect(403);
      const { key } = await createKey();
      await test.http().get('/api/v1/api-keys').set('X-API-Key', key).expect(200);
      await test
        .http()
        .post('/api/v1/api-keys')
        .set('X-API-Key', key)
        .send({ name: 'escape' })
        .expect(403);
    });
  });

  describe('authenticating', () => {
    it('acts as its administrator with X-API-Key or Authorization: Bearer', async () => {
      const { key } = await createKey();
      for (const headers of [{ 'X-API-Key': key }, bearer(key)]) {
        const me = await test.http().get('/api/v1/auth/me').set(headers).expect(200);
        expect(me.body).toMatchObject({ username: 'admin', role: 'admin', customerId: null });
      }
      await test.http().post('/api/v1/auth/logout').set('X-API-Key', key).expect(400);
    });

    it('lets a read-only key read but not change anything (403)', async () => {
      const { key } = await createKey({ access: 'read-only' });
      const customer = await createCustomer(test, admin);
      await test.http().get('/api/v1/customers').set('X-API-Key', key).expect(200);
      await test.http().head(`/api/v1/customers/${customer.id}`).set('X-API-Key', key).expect(200);
      await test
        .http()
        .post(`/api/v1/customers/${customer.id}/suspend`)
        .set('X-API-Key', key)
        .expect(403);
      await test.http().delete(`/api/v1/customers/${customer.id}`).set(bearer(key)).expect(403);
      const after = await test
        .http()
        .get(`/api/v1/customers/${customer.id}`)
        .set(bearer(admin))
        .expect(200);
      expect(after.body.status).toBe('active');

      const full = await createKey({ access: 'full' });
      await test
        .http()
        .post(`/api/v1/customers/${customer.id}/suspend`)
        .set('X-API-Key', full.key)
        .expect(200);
    });

    it('answers unknown, malformed and absent keys with 401 and never throttles them', async () => {
      for (let attempt = 0; attempt < 55; attempt += 1) {
        const response = await test
          .http()
          .get('/api/v1/customers')
          .set('X-API-Key', `ck_wrong${attempt}`);
        expect(response.status).toBe(401);
      }
      await test.http().get('/api/v1/customers').set('X-API-Key', '').expect(401);
      await test.http().get('/api/v1/customers').set('X-API-Key', 'x'.repeat(5000)).expect(401);
      // More failures than LOGIN_MAX_FAILURES_PER_IP (50), yet logins from here still work.
      await loginAdmin(test);
    });

    it('never opens the cookie session: a key in the session cookie is 401', async () => {
      const { key } = await createKey();
      await test
        .http()
        .get('/api/v1/customers')
        .set('Cookie', `clientele_session=${key}`)
        .expect(401);
    });
  });

  describe('allowed addresses', () => {
    it('binds a key to IPv4 addresses and CIDR ranges', async () => {
      const inside = await createKey({ allowedIps: ['192.0.2.1', '127.0.0.0/8'] });
      const exact = await createKey({ allowedIps: ['127.0.0.1'] });
      const outside = await createKey({ allowedIps: ['10.0.0.0/8', '192.0.2.0/24'] });
      await v4().get('/api/v1/customers').set('X-API-Key', inside.key).expect(200);
      await v4().get('/api/v1/customers').set('X-API-Key', exact.key).expect(200);
      const refused = await v4().get('/api/v1/customers').set('X-API-Key', outside.key).expect(401);
      expect(refused.body.detail).toContain('127.0.0.1');
      // An IPv4-only key is not usable from an IPv6 address.
      await v6().get('/api/v1/customers').set('X-API-Key', inside.key).expect(401);
    });

    it('binds a key to IPv6 addresses and CIDR ranges', async () => {
      const inside = await createKey({ allowedIps: ['::1/128'] });
      const range = await createKey({ allowedIps: ['2001:db8::/32', '::/0'] });
      const outside = await createKey({ allowedIps: ['2001:db8::/32', 'fe80::1'] });
      await v6().get('/api/v1/customers').set('X-API-Key', inside.key).expect(200);
      await v6().get('/api/v1/customers').set('X-API-Key', range.key).expect(200);
      await v6().get('/api/v1/customers').set('X-API-Key', outside.key).expect(401);
      await v4().get('/api/v1/customers').set('X-API-Key', inside.key).expect(401);
    });

    it('ignores X-Forwarded-For unless TRUST_PROXY is set', async () => {
      const key = await createKey({ allowedIps: ['198.51.100.0/24', '2001:db8:5::/48'] });
      await v4()
        .get('/api/v1/customers')
        .set('X-API-Key', key.key)
        .set('X-Forwarded-For', '198.51.100.9')
        .expect(401);
      // The second process trusts its proxy: the forwarded client address counts, v4 and v6.
      const proxied = second!;
      await proxied
        .http()
        .get('/api/v1/customers')
        .set('X-API-Key', key.key)
        .set('X-Forwarded-For', '198.51.100.9')
        .expect(200);
      await proxied
        .http()
        .get('/api/v1/customers')
        .set('X-API-Key', key.key)
        .set('X-Forwarded-For', '2001:db8:5:1::77')
        .expect(200);
      await proxied
        .http()
        .get('/api/v1/customers')
        .set('X-API-Key', key.key)
        .set('X-Forwarded-For', '2001:db8:6::1')
        .expect(401);
    });
  });

  describe('expiry and revocation', () => {
    it('stops working once expiresAt has passed', async () => {
      const { key } = await createKey({ expiresAt: new Date(Date.now() + 1500).toISOString() });
      await test.http().get('/api/v1/customers').set('X-API-Key', key).expect(200);
      const status = async () =>
        (await test.http().get('/api/v1/customers').set('X-API-Key', key)).status;
      expect(await eventually(status, 401, 10_000)).toBe(401);
      const refused = await test.http().get('/api/v1/customers').set('X-API-Key', key);
      expect(refused.body.detail).toBe('The API key has expired.');
    });

    it('revokes a key at once in every API process', async () => {
      const { id, key } = await createKey();
      const other = second!;
      await other.http().get('/api/v1/customers').set('X-API-Key', key).expect(200);
      await test.http().delete(`/api/v1/api-keys/${id}`).set(bearer(admin)).expect(204);
      await other.http().get('/api/v1/customers').set('X-API-Key', key).expect(401);
      await test.http().get('/api/v1/customers').set('X-API-Key', key).expect(401);
      const list = await test.http().get('/api/v1/api-keys').set(bearer(admin)).expect(200);
      expect((list.body as Array<{ id: number }>).map((listed) => listed.id)).not.toContain(id);
      await test.http().delete(`/api/v1/api-keys/${id}`).set(bearer(admin)).expect(404);
      await test.http().delete('/api/v1/api-keys/abc').set(bearer(admin)).expect(400);
    });
  });

  describe('traces', () => {
    it('names the key as the actor in events and the audit trail', async () => {
      const { id, key } = await createKey();
      const before = await lastEventId(test);
      const created = await test
        .http()
        .post('/api/v1/customers')
        .set('X-API-Key', key)
        .send({
          username: `keyed${Date.now().toString(36)}`,
          password: 'a-good-password-1',
          name: 'Made by a key',
          email: 'keyed@example.com',
        })
        .expect(201);
      await test
        .http()
        .post(`/api/v1/customers/${created.body.id}/suspend`)
        .set('X-API-Key', key)
        .expect(200);
      const events = await eventsAfter(test, before);
      expect(events.map((event) => [event.type, event.actor])).toEqual([
        ['customer.created', `apikey:${id}`],
        ['customer.suspended', `apikey:${id}`],
      ]);
      const audit = await test
        .http()
        .get(`/api/v1/audit?actor=apikey:${id}`)
        .set(bearer(admin))
        .expect(200);
      expect(audit.body.items.map((entry: { type: string }) => entry.type)).toEqual([
        'customer.suspended',
        'customer.created',
      ]);
    });

    it('records lastUsedAt and lastUsedIp at most once a minute', async () => {
      const { id, key } = await createKey();
      await v4().get('/api/v1/customers').set('X-API-Key', key).expect(200);
      const first = await keyRow(id);
      expect(first.last_used_at).not.toBeNull();
      expect(first.last_used_ip).toBe('127.0.0.1');
      await v6().get('/api/v1/customers').set('X-API-Key', key).expect(200);
      const second = await keyRow(id);
      expect(second.last_used_at).toEqual(first.last_used_at);
      expect(second.last_used_ip).toBe('127.0.0.1');

      // A minute later (moved back in the database), the next use writes again.
      await test
        .em()
        .getConnection()
        .execute(
          'UPDATE api_key SET last_used_at = last_used_at - INTERVAL 61 SECOND WHERE id = ?',
          [id],
        );
      const moved = await keyRow(id);
      await v6().get('/api/v1/customers').set('X-API-Key', key).expect(200);
      const third = await keyRow(id);
      expect(Date.parse(third.last_used_at!)).toBeGreaterThan(Date.parse(moved.last_used_at!));
      expect(third.last_used_ip).toBe('::1');
      const listed = await test.http().get('/api/v1/api-keys').set(bearer(admin)).expect(200);
      expect((listed.body as Array<{ id: number }>).find((k) => k.id === id)).toMatchObject({
        lastUsedAt: new Date(third.last_used_at!).toISOString(),
        lastUsedIp: '::1',
      });
    });
  });

  it('never writes a key to the log, in X-API-Key or as a bearer token', async () => {
    const lines: string[] = [];
    const logStream = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        lines.push(chunk.toString());
        done();
      },
    });
    const logged = await startTestApp({ LOG_LEVEL: 'debug' }, { reset: false, logStream });
    try {
      const { key } = await createKey();
      await logged.http().get('/api/v1/customers').set('X-API-Key', key).expect(200);
      await logged.http().get('/api/v1/customers').set(bearer(key)).expect(200);
      await logged.http().get('/api/v2/clients').set('X-API-Key', key).expect(200);
      await logged.http().delete(`/api/v2/auth/keys/${key}`).set('X-API-Key', key).expect(200);
      const log = lines.join('');
      expect(log).toContain('/api/v2/clients');
      expect(log).toContain('/api/v2/auth/keys/[redacted]');
      expect(log).not.toContain(key.slice(3));
    } finally {
      await logged.close();
    }
  });

  it('is declared in the OpenAPI document beside the bearer scheme', async () => {
    const document = (await test.http().get('/api/docs-json').expect(200)).body;
    expect(document.components.securitySchemes).toMatchObject({
      bearer: { type: 'http', scheme: 'bearer' },
      apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
    });
    for (const operation of [
      document.paths['/api/v1/customers'].get,
      document.paths['/api/v1/api-keys'].post,
    ])
      expect(operation.security).toEqual(expect.arrayContaining([{ bearer: [] }, { apiKey: [] }]));
    expect(document.paths['/api/v1/auth/login'].post.security).toBeUndefined();
  });
});
