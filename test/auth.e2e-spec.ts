import { Writable } from 'node:stream';
import argon2 from 'argon2';
import { ADMIN } from './support/database';
import { bearer, login, loginAdmin, startTestApp, TestApp } from './support/app';
import { expectEveryAnswerDocumented } from './support/openapi-contract';
import { createCustomer, CreatedCustomer } from './support/factories';

const loginRequest = (test: TestApp, username: string, password: string) =>
  test.http().post('/api/v1/auth/login').send({ username, password });

describe('authentication', () => {
  let test: TestApp;
  let adminToken: string;

  beforeAll(async () => {
    test = await startTestApp();
    adminToken = await loginAdmin(test);
  });
  expectEveryAnswerDocumented(() => test);
  afterAll(() => test.close());

  describe('login', () => {
    it('logs an administrator in with a bearer token', async () => {
      const response = await loginRequest(test, ADMIN.username, ADMIN.password).expect(200);
      expect(response.body).toMatchObject({
        tokenType: 'Bearer',
        expiresIn: 43200,
        user: { username: 'admin', role: 'admin', customerId: null },
      });
      expect(response.body.accessToken).toMatch(/^ct_[A-Za-z0-9_-]{43}$/);
    });

    it('logs a customer in, with its customer id and locale', async () => {
      const customer = await createCustomer(test, adminToken, { locale: 'de-DE' });
      const response = await loginRequest(test, customer.username, customer.password).expect(200);
      expect(response.body.user).toEqual({
        id: customer.id,
        username: customer.username,
        role: 'customer',
        customerId: customer.id,
        locale: 'de-DE',
      });
    });

    it('accepts the username in any case', async () => {
      await loginRequest(test, 'ADMIN', ADMIN.password).expect(200);
    });

    it('answers an unknown username and a wrong password with the same 401', async () => {
      const customer = await createCustomer(test, adminToken);
      const unknown = await loginRequest(test, 'nobody-here', 'whatever-password').expect(401);
      const wrong = await loginRequest(test, customer.username, 'wrong-password').expect(401);
      expect(unknown.body).toEqual(wrong.body);
      expect(unknown.body).toMatchObject({ type: '/problems/invalid-credentials', status: 401 });
    });

    it.each([
      [{}],
      [{ username: 'admin' }],
      [{ username: 'admin', password: 5 }],
      [{ username: '', password: 'x' }],
      [{ username: 'a', password: 'b', extra: 1 }],
    ])('refuses the malformed login body %p with 400', async (body) => {
      await test.http().post('/api/v1/auth/login').send(body).expect(400);
    });

    it('never stores the token itself, only its SHA-256', async () => {
      const token = await loginAdmin(test);
      const rows = await test
        .em()
        .getConnection()
        .execute<Array<{ token_hash: string }>>('SELECT token_hash FROM auth_session');
      expect(rows.some((r) => r.token_hash === token)).toBe(false);
      expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.token_hash))).toBe(true);
    });
  });

  describe('tokens', () => {
    it('GET /auth/me returns the principal', async () => {
      const response = await test.http().get('/api/v1/auth/me').set(bearer(adminToken)).expect(200);
      expect(response.body).toMatchObject({ username: 'admin', role: 'admin', customerId: null });
    });

    it.each([
      [undefined],
      ['Bearer'],
      ['Bearer nonsense'],
      ['Basic YWRtaW46YWRtaW4='],
      [`Bearer ${'x'.repeat(5000)}`],
    ])('answers 401 for the Authorization header %p', async (header) => {
      const request = test.http().get('/api/v1/auth/me');
      if (header) request.set('Authorization', header);
      const response = await request.expect(401);
      expect(response.body.type).toBe('/problems/unauthenticated');
      expect(response.headers['www-authenticate']).toBe('Bearer');
    });

    it('revokes the token on logout, and only that token', async () => {
      const first = await loginAdmin(test);
      const second = await loginAdmin(test);
      await test.http().post('/api/v1/auth/logout').set(bearer(first)).expect(204);
      await test.http().get('/api/v1/auth/me').set(bearer(first)).expect(401);
      await test.http().post('/api/v1/auth/logout').set(bearer(first)).expect(401);
      await test.http().get('/api/v1/auth/me').set(bearer(second)).expect(200);
    });

    it('refuses an expired token', async () => {
      const token = await loginAdmin(test);
      await test
        .em()
        .getConnection()
        .execute('UPDATE auth_session SET expires_at = UTC_TIMESTAMP(3) - INTERVAL 1 SECOND');
      await test.http().get('/api/v1/auth/me').set(bearer(token)).expect(401);
      adminToken = await loginAdmin(test);
    });
  });

  describe('the panel session cookie', () => {
    it('sets an HttpOnly SameSite=Strict session cookie and a readable CSRF cookie', async () => {
      const response = await loginRequest(test, ADMIN.username, ADMIN.password).expect(200);
      const cookies = response.headers['set-cookie'] as unknown as string[];
      const session = cookies.find((c) => c.startsWith('clientele_session='));
      const csrf = cookies.find((c) => c.startsWith('clientele_csrf='));
      expect(session).toMatch(/HttpOnly/);
      expect(session).toMatch(/SameSite=Strict/);
      expect(csrf).not.toMatch(/HttpOnly/);
      expect(csrf).toMatch(/SameSite=Strict/);
    });

    it('authenticates reads by cookie, and changes only with the X-CSRF-Token header', async () => {
      const customer = await createCustomer(test, adminToken);
      const agent = test.http();
      const loginResponse = await loginRequest(test, customer.username, customer.password).expect(
        200,
      );
      const cookies = (loginResponse.headers['set-cookie'] as unknown as string[])
        .map((c) => c.split(';')[0])
        .join('; ');
      await agent.get('/api/v1/account').set('Cookie', cookies).expect(200);
      const refused = await test
        .http()
        .patch('/api/v1/account')
        .set('Cookie', cookies)
        .send({ city: 'Köln' })
        .expect(403);
      expect(refused.body.detail).toMatch(/X-CSRF-Token/);
      await test
        .http()
        .patch('/api/v1/account')
        .set('Cookie', cookies)
        .set('X-CSRF-Token', 'csrf_wrong')
        .send({ city: 'Köln' })
        .expect(403);
      const ok = await test
        .http()
        .patch('/api/v1/account')
        .set('Cookie', cookies)
        .set('X-CSRF-Token', loginResponse.body.csrfToken)
        .send({ city: 'Köln' })
        .expect(200);
      expect(ok.body.city).toBe('Köln');
    });
  });

  describe('roles and what a customer may see', () => {
    let customer: CreatedCustomer;
    let customerToken: string;
    const MARKER = 'STAFF-ONLY-7f3a';

    beforeAll(async () => {
      customer = await createCustomer(test, adminToken, {
        description: `${MARKER} pays late`,
        additionalInfo: 'Your server is web01',
        externalId: 'crm-visible-to-staff',
      });
      customerToken = await login(test, customer.username, customer.password);
    });

    it('shows a customer its account with additional information, without description, external id or password hash', async () => {
      const response = await test
        .http()
        .get('/api/v1/account')
        .set(bearer(customerToken))
        .expect(200);
      expect(response.body).toMatchObject({
        id: customer.id,
        username: customer.username,
        additionalInfo: 'Your server is web01',
      });
      expect(response.body).not.toHaveProperty('description');
      expect(response.body).not.toHaveProperty('externalId');
      expect(JSON.stringify(response.body)).not.toContain(MARKER);
    });

    it('never lets the description or a password hash reach any GET a customer can call', async () => {
      const doc = (await test.http().get('/api/docs-json').expect(200)).body as {
        paths: Record<string, Record<string, unknown>>;
      };
      const paths = Object.keys(doc.paths).filter((path) => doc.paths[path].get);
      expect(paths).toContain('/api/v1/account');
      for (const path of paths) {
        const url = path.replace(/\{[^}]+\}/g, String(customer.id));
        const response = await test.http().get(url).set(bearer(customerToken));
        const text = JSON.stringify(response.body) + response.text;
        expect({ url, leaked: text.includes(MARKER) || text.includes('$argon2') }).toEqual({
          url,
          leaked: false,
        });
      }
    });

    it("refuses administrators' endpoints to a customer with 403", async () => {
      for (const [method, url] of [
        ['get', '/api/v1/customers'],
        ['post', '/api/v1/customers'],
        ['get', `/api/v1/customers/${customer.id}`],
        ['patch', `/api/v1/customers/${customer.id}`],
        ['delete', `/api/v1/customers/${customer.id}`],
      ] as const) {
        const response = await test.http()[method](url).set(bearer(customerToken)).send({});
        expect({ url, method, status: response.status }).toEqual({ url, method, status: 403 });
      }
    });

    it('refuses /account to an administrator with 403', async () => {
      await test.http().get('/api/v1/account').set(bearer(adminToken)).expect(403);
    });

    it('lets a customer edit its contact data but not staff fields or its username', async () => {
      const ok = await test
        .http()
        .patch('/api/v1/account')
        .set(bearer(customerToken))
        .send({ phone: '+49 1', locale: 'de-DE' })
        .expect(200);
      expect(ok.body).toMatchObject({ phone: '+49 1', locale: 'de-DE' });
      for (const field of ['description', 'additionalInfo', 'externalId', 'username', 'status']) {
        const response = await test
          .http()
          .patch('/api/v1/account')
          .set(bearer(customerToken))
          .send({ [field]: 'x' })
          .expect(400);
        expect(response.body.errors[0].field).toBe(field);
      }
    });

    it('changes the password only with the current one, and ends the other sessions but not this one', async () => {
      const other = await login(test, customer.username, customer.password);
      await test
        .http()
        .patch('/api/v1/account')
        .set(bearer(customerToken))
        .send({ password: 'new-password-42' })
        .expect(400);
      const wrong = await test
        .http()
        .patch('/api/v1/account')
        .set(bearer(customerToken))
        .send({ password: 'new-password-42', currentPassword: 'nope-nope' })
        .expect(400);
      expect(wrong.body.errors[0].field).toBe('currentPassword');
      await test
        .http()
        .patch('/api/v1/account')
        .set(bearer(customerToken))
        .send({ password: 'new-password-42', currentPassword: customer.password })
        .expect(200);
      await test.http().get('/api/v1/account').set(bearer(customerToken)).expect(200);
      await test.http().get('/api/v1/account').set(bearer(other)).expect(401);
      await login(test, customer.username, 'new-password-42');
    });

    it("ends a customer's sessions when an administrator sets a new password", async () => {
      const target = await createCustomer(test, adminToken);
      const token = await login(test, target.username, target.password);
      await test
        .http()
        .patch(`/api/v1/customers/${target.id}`)
        .set(bearer(adminToken))
        .send({ password: 'set-by-admin-77' })
        .expect(200);
      await test.http().get('/api/v1/account').set(bearer(token)).expect(401);
    });
  });
});

describe('failed-login throttling', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await startTestApp({
      LOGIN_MAX_FAILURES_PER_USERNAME: '3',
      LOGIN_MAX_FAILURES_PER_IP: '6',
      LOGIN_THROTTLE_WINDOW_SECONDS: '120',
    });
  });
  afterAll(() => test.close());

  it('does not count successful logins', async () => {
    for (let i = 0; i < 8; i++) await loginAdmin(test);
  });

  it('answers 429 with Retry-After once a username has had too many failures, even for the right password', async () => {
    const customer = await createCustomer(test, await loginAdmin(test));
    for (let i = 0; i < 3; i++)
      await loginRequest(test, customer.username, 'wrong-password').expect(401);
    const blocked = await loginRequest(test, customer.username, customer.password).expect(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(100);
    expect(blocked.body).toMatchObject({ type: '/problems/too-many-attempts', status: 429 });
    expect(
      await test
        .em()
        .getConnection()
        .execute('SELECT COUNT(*) AS n FROM auth_session WHERE customer_id = ?', [customer.id]),
    ).toEqual([{ n: 0 }]);
  });

  it('counts usernames case-insensitively', async () => {
    for (let i = 0; i < 3; i++)
      await loginRequest(test, i % 2 ? 'CaseUser' : 'caseuser', 'wrong-password').expect(401);
    await loginRequest(test, 'CASEUSER', 'wrong-password').expect(429);
  });

  it('holds across API processes, and throttles an IP that tries many usernames', async () => {
    const second = await startTestApp(
      {
        LOGIN_MAX_FAILURES_PER_USERNAME: '3',
        LOGIN_MAX_FAILURES_PER_IP: '6',
        LOGIN_THROTTLE_WINDOW_SECONDS: '120',
      },
      { reset: false },
    );
    try {
      // Six failures from this IP so far in this describe block; the other process sees them too.
      const response = await second
        .http()
        .post('/api/v1/auth/login')
        .send({ username: 'yet-another-name', password: 'x-wrong-password' })
        .expect(429);
      expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
      await loginRequest(test, ADMIN.username, ADMIN.password).expect(429);
    } finally {
      await second.close();
    }
  });
});

describe('logs', () => {
  it('never contain passwords, tokens or cookies', async () => {
    const lines: string[] = [];
    const logStream = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        lines.push(chunk.toString());
        done();
      },
    });
    const test = await startTestApp({ LOG_LEVEL: 'debug' }, { logStream });
    try {
      const token = await loginAdmin(test);
      const customer = await createCustomer(test, token, { password: 'very-secret-Passw0rd' });
      const login = await loginRequest(test, customer.username, 'very-secret-Passw0rd').expect(200);
      await test
        .http()
        .get('/api/v1/account')
        .set(bearer(login.body.accessToken))
        .set('Cookie', `clientele_session=${login.body.accessToken}`)
        .expect(200);
      await loginRequest(test, customer.username, 'wrong-Passw0rd-in-log').expect(401);
      const log = lines.join('');
      expect(log).toContain('/api/v1/auth/login');
      for (const secret of [
        'very-secret-Passw0rd',
        'wrong-Passw0rd-in-log',
        ADMIN.password,
        token,
        login.body.accessToken,
        login.body.csrfToken,
      ]) {
        expect(log.includes(secret)).toBe(false);
      }
    } finally {
      await test.close();
    }
  });
});

describe('currentPassword guesses on PATCH /account', () => {
  let test: TestApp;
  beforeAll(async () => {
    test = await startTestApp({
      LOGIN_MAX_FAILURES_PER_USERNAME: '3',
      LOGIN_MAX_FAILURES_PER_IP: '50',
      LOGIN_THROTTLE_WINDOW_SECONDS: '120',
    });
  });
  afterAll(() => test?.close());

  it('count as failed logins: the third wrong guess blocks the right one, and the login form too', async () => {
    const customer = await createCustomer(test, await loginAdmin(test));
    const session = bearer(await login(test, customer.username, customer.password));
    const changePassword = (currentPassword: string) =>
      test
        .http()
        .patch('/api/v1/account')
        .set(session)
        .send({ password: 'a-brand-new-password-2', currentPassword });
    for (let i = 0; i < 3; i++) {
      const wrong = await changePassword(`wrong-guess-${i}`).expect(400);
      expect(wrong.body.errors).toEqual([
        expect.objectContaining({ field: 'currentPassword', code: 'wrong_password' }),
      ]);
    }
    const blocked = await changePassword(customer.password).expect(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    await loginRequest(test, customer.username, customer.password).expect(429);
    const [{ hash }] = await test
      .em()
      .getConnection()
      .execute<Array<{ hash: string }>>('SELECT password_hash AS hash FROM customer WHERE id = ?', [
        customer.id,
      ]);
    expect(await argon2.verify(hash, customer.password)).toBe(true);
  });
});
