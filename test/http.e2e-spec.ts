import { bearer, loginAdmin, startTestApp, TestApp } from './support/app';
import { customerInput } from './support/factories';

describe('HTTP behaviour', () => {
  let test: TestApp;
  let admin: Record<string, string>;

  beforeAll(async () => {
    test = await startTestApp();
    admin = bearer(await loginAdmin(test));
  });
  afterAll(() => test.close());

  const countCustomers = async () =>
    (
      await test
        .em()
        .getConnection()
        .execute<Array<{ n: number }>>('SELECT COUNT(*) AS n FROM customer')
    )[0].n;

  describe('problem details', () => {
    it('answers errors as application/problem+json with type, title, status, detail and instance', async () => {
      const response = await test
        .http()
        .post('/api/v1/customers')
        .set(admin)
        .send({ username: 'x' })
        .expect(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body).toEqual({
        type: '/problems/validation-failed',
        title: expect.any(String),
        status: 400,
        detail: expect.any(String),
        instance: '/api/v1/customers',
        errors: expect.arrayContaining([
          { field: 'password', code: 'required', message: expect.any(String) },
        ]),
      });
    });

    it('answers an unknown route with a 404 problem', async () => {
      const response = await test.http().get('/api/v1/no-such-thing').set(admin).expect(404);
      expect(response.body).toMatchObject({ type: '/problems/not-found', status: 404 });
    });

    it('routes paths case-insensitively and with a trailing slash, with the same headers and errors', async () => {
      // Express did; clients written against it may rely on it.
      const listed = await test.http().get('/API/V1/Customers/').set(admin).expect(200);
      expect(listed.headers['cache-control']).toBe('no-store');
      expect(listed.headers['x-content-type-options']).toBe('nosniff');
      const plesk = await test.http().get('/API/V2/no-such-thing').set(admin).expect(404);
      expect(plesk.body).toEqual({ code: 404, message: expect.any(String) });
      expect(plesk.headers['cache-control']).toBe('no-store');
    });

    it('answers a path with malformed percent-encoding, or a very long id, as any bad request', async () => {
      for (const path of ['/api/v1/customers/%E0%A4%A', '/api/v1/customers/%zz', '/%zz']) {
        const response = await test.http().get(path).set(admin).expect(400);
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(response.headers['x-content-type-options']).toBe('nosniff');
        expect(response.body).toMatchObject({ type: '/problems/bad-request', instance: path });
      }
      const plesk = await test.http().get('/api/v2/clients/%zz').set(admin).expect(400);
      expect(plesk.body).toEqual({ code: 400, message: expect.any(String) });
      const long = await test
        .http()
        .get(`/api/v1/customers/${'9'.repeat(600)}`)
        .set(admin)
        .expect(400);
      expect(long.body.errors).toEqual([expect.objectContaining({ field: 'id' })]);
    });

    it('answers malformed JSON with 400 and changes nothing', async () => {
      const before = await countCustomers();
      const response = await test
        .http()
        .post('/api/v1/customers')
        .set(admin)
        .set('Content-Type', 'application/json')
        .send('{"username": "x",')
        .expect(400);
      expect(response.body).toMatchObject({ type: '/problems/malformed-json', status: 400 });
      expect(await countCustomers()).toBe(before);
    });

    it('answers a body over 1 MB with 413 and changes nothing', async () => {
      const before = await countCustomers();
      const body = JSON.stringify({ ...customerInput(), description: 'x'.repeat(1_100_000) });
      const response = await test
        .http()
        .post('/api/v1/customers')
        .set(admin)
        .set('Content-Type', 'application/json')
        .send(body)
        .expect(413);
      expect(response.body).toMatchObject({ type: '/problems/payload-too-large', status: 413 });
      expect(await countCustomers()).toBe(before);
    });

    it.each([
      ['a JSON array', '[1,2,3]'],
      ['a JSON string', '"hello"'],
      ['null', 'null'],
      ['deeply nested objects', `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`],
      ['a prototype-pollution attempt', '{"__proto__": {"admin": true}, "username": "x"}'],
      [
        'an invalid UTF-8 sequence',
        Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
      ],
    ])('refuses %s as a customer body with a 4xx problem', async (_, body) => {
      const response = await test
        .http()
        .post('/api/v1/customers')
        .set(admin)
        .set('Content-Type', 'application/json')
        .send(body);
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    });

    it('refuses a body that is not JSON with a 4xx, not a 5xx', async () => {
      const response = await test
        .http()
        .post('/api/v1/customers')
        .set(admin)
        .set('Content-Type', 'text/plain')
        .send('username=x');
      expect(response.status).toBe(400);
    });

    it('survives a barrage of odd inputs without a single 5xx', async () => {
      const oddValues: unknown[] = [
        null,
        true,
        0,
        -1,
        1e308,
        '',
        ' ',
        '\u0000',
        '💥'.repeat(100),
        'a'.repeat(70000),
        [],
        {},
        [1],
        { $gt: '' },
        "'; DROP TABLE customer; --",
      ];
      const fields = [
        'username',
        'password',
        'name',
        'email',
        'country',
        'locale',
        'phone',
        'externalId',
        'additionalInfo',
      ];
      const statuses = new Set<number>();
      for (const field of fields) {
        for (const value of oddValues) {
          const response = await test
            .http()
            .post('/api/v1/customers')
            .set(admin)
            .send({ ...customerInput(), [field]: value });
          statuses.add(response.status);
          if (response.status >= 500)
            throw new Error(
              `${field}=${JSON.stringify(value).slice(0, 50)} gave ${response.status}`,
            );
        }
      }
      for (const query of [
        'limit=-5',
        'limit=1e9',
        'cursor=%00',
        'q=%25%25',
        'status[]=active',
        'limit=1&limit=2',
      ]) {
        const response = await test.http().get(`/api/v1/customers?${query}`).set(admin);
        expect({ query, status: response.status < 500 }).toEqual({ query, status: true });
      }
      expect(statuses.has(400)).toBe(true);
    });
  });

  describe('health and documentation', () => {
    it('reports liveness and readiness of MySQL and Redis without authentication', async () => {
      await test.http().get('/health/live').expect(200, { status: 'ok' });
      const ready = await test.http().get('/health/ready').expect(200);
      expect(ready.body).toMatchObject({
        status: 'ok',
        info: { mysql: { status: 'up' }, redis: { status: 'up' } },
      });
    });

    it('serves the OpenAPI 3 document generated from the code, and its rendering', async () => {
      const doc = await test.http().get('/api/docs-json').expect(200);
      expect(doc.body.openapi).toMatch(/^3\./);
      expect(Object.keys(doc.body.paths)).toEqual(
        expect.arrayContaining([
          '/api/v1/customers',
          '/api/v1/customers/{id}',
          '/api/v1/auth/login',
          '/api/v1/account',
        ]),
      );
      expect(doc.body.components.schemas.CreateCustomerDto.properties.username.maxLength).toBe(60);
      const html = await test.http().get('/api/docs').redirects(1).expect(200);
      expect(html.text).toContain('swagger');
    });
  });
});
