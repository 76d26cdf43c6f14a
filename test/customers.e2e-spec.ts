import { bearer, login, loginAdmin, startTestApp, TestApp } from './support/app';
import { expectEveryAnswerDocumented } from './support/openapi-contract';
import { createCustomer, customerInput } from './support/factories';

describe('customer accounts (administrators)', () => {
  let test: TestApp;
  let admin: Record<string, string>;

  beforeAll(async () => {
    test = await startTestApp();
    admin = bearer(await loginAdmin(test));
  });
  expectEveryAnswerDocumented(() => test);
  afterAll(() => test.close());

  const post = (body: object) => test.http().post('/api/v1/customers').set(admin).send(body);
  const countCustomers = async () =>
    (
      await test
        .em()
        .getConnection()
        .execute<Array<{ n: number }>>('SELECT COUNT(*) AS n FROM customer')
    )[0].n;

  describe('create', () => {
    it('creates a customer with every contact field and returns it with counts and a version', async () => {
      const input = customerInput({
        company: 'Example GmbH',
        phone: '+49 30 1234567',
        fax: '+49 30 1234568',
        address: 'Hauptstrasse 1',
        city: 'Berlin',
        state: 'Berlin',
        postalCode: '10115',
        country: 'de',
        locale: 'de-de',
        additionalInfo: 'Your server is web01.\nSupport: +49 30 999',
        description: 'Pays late. Staff only.',
        externalId: 'crm-1',
      });
      const response = await post(input).expect(201);
      expect(response.headers.location).toBe(`/api/v1/customers/${response.body.id}`);
      expect(response.body).toMatchObject({
        username: input.username,
        name: input.name,
        email: input.email,
        company: 'Example GmbH',
        country: 'DE',
        locale: 'de-DE',
        additionalInfo: 'Your server is web01.\nSupport: +49 30 999',
        description: 'Pays late. Staff only.',
        externalId: 'crm-1',
        status: 'active',
        version: 1,
        counts: { subscriptions: 0, domains: 0 },
      });
      expect(response.body).not.toHaveProperty('password');
      expect(response.body).not.toHaveProperty('passwordHash');
      expect(new Date(response.body.createdAt).toISOString()).toBe(response.body.createdAt);
    });

    it('stores the password as an argon2id hash', async () => {
      const customer = await createCustomer(test, admin.Authorization.slice(7));
      const [row] = await test
        .em()
        .getConnection()
        .execute<Array<{ password_hash: string }>>(
          'SELECT password_hash FROM customer WHERE id = ?',
          [customer.id],
        );
      expect(row.password_hash).toMatch(/^\$argon2id\$/);
      expect(row.password_hash).not.toContain(customer.password);
    });

    it('defaults the locale to en-US and optional fields to null', async () => {
      const response = await post(customerInput()).expect(201);
      expect(response.body).toMatchObject({
        locale: 'en-US',
        company: null,
        phone: null,
        country: null,
        additionalInfo: null,
        description: null,
      });
    });

    const invalid: Array<[string, Record<string, unknown>, string]> = [
      ['a missing username', { username: undefined }, 'username'],
      ['a username over 60 characters', { username: 'u'.repeat(61) }, 'username'],
      ['a username starting with a dot', { username: '.jdoe' }, 'username'],
      ['a username with a space', { username: 'j doe' }, 'username'],
      ['a username with a slash', { username: 'j/doe' }, 'username'],
      ['the reserved username root', { username: 'root' }, 'username'],
      ['the reserved username Admin', { username: 'Admin' }, 'username'],
      ['the reserved username administrator', { username: 'administrator' }, 'username'],
      ['a password under 8 characters', { password: 'short1' }, 'password'],
      ['a password over 255 characters', { password: 'p'.repeat(256) }, 'password'],
      ['a password with a control character', { password: 'abc\u0007defghij' }, 'password'],
      ['a missing name', { name: undefined }, 'name'],
      ['an empty name', { name: '   ' }, 'name'],
      ['a name over 60 characters', { name: 'n'.repeat(61) }, 'name'],
      ['a company over 60 characters', { company: 'c'.repeat(61) }, 'company'],
      ['a missing email', { email: undefined }, 'email'],
      ['an invalid email', { email: 'not-an-email' }, 'email'],
      ['a phone over 30 characters', { phone: '1'.repeat(31) }, 'phone'],
      ['a fax over 30 characters', { fax: '1'.repeat(31) }, 'fax'],
      ['an address over 255 characters', { address: 'a'.repeat(256) }, 'address'],
      ['a city over 50 characters', { city: 'c'.repeat(51) }, 'city'],
      ['a state over 50 characters', { state: 's'.repeat(51) }, 'state'],
      ['a postal code over 16 characters', { postalCode: '1'.repeat(17) }, 'postalCode'],
      ['an unknown country', { country: 'XX' }, 'country'],
      ['a three-letter country', { country: 'DEU' }, 'country'],
      ['an invalid locale', { locale: 'not a locale' }, 'locale'],
      [
        'additional information over 4000 characters',
        { additionalInfo: 'i'.repeat(4001) },
        'additionalInfo',
      ],
      ['a description over 4000 characters', { description: 'd'.repeat(4001) }, 'description'],
      ['an external id over 255 characters', { externalId: 'e'.repeat(256) }, 'externalId'],
      ['a name with a line break', { name: 'Jane\nDoe' }, 'name'],
      ['a number as name', { name: 42 }, 'name'],
      ['an unknown field', { favouriteColour: 'blue' }, 'favouriteColour'],
      ['a status (not settable)', { status: 'suspended' }, 'status'],
    ];

    it.each(invalid)(
      'refuses %s with 400 naming the field, and creates nothing',
      async (_, overrides, field) => {
        const before = await countCustomers();
        const body: Record<string, unknown> = { ...customerInput(), ...overrides };
        for (const key of Object.keys(body)) if (body[key] === undefined) delete body[key];
        const response = await post(body).expect(400);
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
        expect(await countCustomers()).toBe(before);
      },
    );

    it('refuses a password that contains the username', async () => {
      const response = await post(
        customerInput({ username: 'janedoe', password: 'xxJaneDoe123' }),
      ).expect(400);
      expect(response.body.errors).toEqual([
        {
          field: 'password',
          code: 'contains_username',
          message: 'password must not contain the username',
        },
      ]);
    });

    it('accepts the longest values of every field', async () => {
      const response = await post(
        customerInput({
          username: `u${'x'.repeat(59)}`.slice(0, 60),
          password: 'p'.repeat(255),
          name: 'n'.repeat(60),
          company: 'c'.repeat(60),
          phone: '1'.repeat(30),
          fax: '2'.repeat(30),
          address: 'a'.repeat(255),
          city: 'c'.repeat(50),
          state: 's'.repeat(50),
          postalCode: '9'.repeat(16),
          additionalInfo: 'i'.repeat(4000),
          description: 'd'.repeat(4000),
          externalId: 'e'.repeat(255),
        }),
      ).expect(201);
      expect(response.body.additionalInfo).toHaveLength(4000);
    });

    it('keeps usernames unique regardless of case (409)', async () => {
      const first = await createCustomer(test, admin.Authorization.slice(7), {
        username: 'CaseTest',
      });
      const response = await post(customerInput({ username: 'casetest' })).expect(409);
      expect(response.body).toMatchObject({
        status: 409,
        errors: [{ field: 'username', code: 'not_unique', message: 'is already taken' }],
      });
      expect(first.username).toBe('CaseTest');
    });

    it('refuses the username of an administrator (409), since both log in through one form', async () => {
      await test
        .em()
        .getConnection()
        .execute(
          "INSERT INTO administrator (username, password_hash, created_at, updated_at) VALUES ('ops-team', 'x', NOW(3), NOW(3))",
        );
      const response = await post(customerInput({ username: 'OPS-team' })).expect(409);
      expect(response.body.errors).toEqual([
        { field: 'username', code: 'not_unique', message: 'is already taken' },
      ]);
    });

    it('keeps external ids unique (409) but allows many customers without one', async () => {
      await post(customerInput({ externalId: 'crm-dup' })).expect(201);
      const response = await post(customerInput({ externalId: 'crm-dup' })).expect(409);
      expect(response.body.errors).toEqual([
        { field: 'externalId', code: 'not_unique', message: 'is already used by another customer' },
      ]);
      await post(customerInput()).expect(201);
      await post(customerInput()).expect(201);
    });

    it('creates exactly one of two concurrent requests for the same username', async () => {
      const input = customerInput();
      const results = await Promise.all([
        post(input),
        post({ ...input, email: 'other@example.com' }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    });
  });

  describe('read and list', () => {
    it('returns one customer with an ETag, and 404 for an unknown id', async () => {
      const customer = await createCustomer(test, admin.Authorization.slice(7));
      const response = await test
        .http()
        .get(`/api/v1/customers/${customer.id}`)
        .set(admin)
        .expect(200);
      expect(response.headers.etag).toBe('"1-0-0"');
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.body.counts).toEqual({ subscriptions: 0, domains: 0 });
      const missing = await test.http().get('/api/v1/customers/999999').set(admin).expect(404);
      expect(missing.body).toMatchObject({ type: '/problems/not-found', status: 404 });
    });

    it.each(['0', '-1', 'abc', '1.5', '1e3', '99999999999', '%20'])(
      'answers 400 for the path id %p',
      async (id) => {
        const response = await test.http().get(`/api/v1/customers/${id}`).set(admin).expect(400);
        expect(response.body.errors).toEqual([
          { field: 'id', code: 'invalid_format', message: 'must be a positive integer' },
        ]);
      },
    );

    it('pages through all customers with an opaque cursor, newest first, without gaps or repeats', async () => {
      const token = admin.Authorization.slice(7);
      for (let i = 0; i < 7; i++) await createCustomer(test, token, { company: 'PagingCo' });
      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const query: Record<string, string | number> = {
          q: 'PagingCo',
          limit: 3,
          ...(cursor ? { cursor } : {}),
        };
        const page = await test.http().get('/api/v1/customers').query(query).set(admin).expect(200);
        expect(page.body.items.length).toBeLessThanOrEqual(3);
        seen.push(...page.body.items.map((c: { id: number }) => c.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen).toHaveLength(7);
      expect([...seen].sort((a, b) => b - a)).toEqual(seen);
    });

    it('searches username, name, company and email, case-insensitively, treating % and _ literally', async () => {
      const token = admin.Authorization.slice(7);
      const byCompany = await createCustomer(test, token, { company: 'Zebra_Hosting 100%' });
      const byEmail = await createCustomer(test, token, { email: 'qsearch-unique@zebra.example' });
      const ids = async (q: string) =>
        (
          await test.http().get('/api/v1/customers').query({ q }).set(admin).expect(200)
        ).body.items.map((c: { id: number }) => c.id);
      expect(await ids('zebra_hosting')).toEqual([byCompany.id]);
      expect(await ids('100%')).toEqual([byCompany.id]);
      expect(await ids('QSEARCH-UNIQUE')).toEqual([byEmail.id]);
      expect(await ids(byEmail.username)).toEqual([byEmail.id]);
      expect(await ids('%')).toEqual([byCompany.id]);
    });

    it('filters by status', async () => {
      const response = await test
        .http()
        .get('/api/v1/customers')
        .query({ status: 'suspended' })
        .set(admin)
        .expect(200);
      expect(response.body.items.every((c: { status: string }) => c.status === 'suspended')).toBe(
        true,
      );
    });

    it.each([
      [{ limit: 0 }, 'limit'],
      [{ limit: 201 }, 'limit'],
      [{ limit: 'ten' }, 'limit'],
      [{ status: 'deleted' }, 'status'],
      [{ cursor: 'not-a-cursor!' }, 'cursor'],
      [{ cursor: Buffer.from('{"id":"1; DROP"}').toString('base64url') }, 'cursor'],
      [{ q: 'x'.repeat(101) }, 'q'],
      [{ sort: 'name' }, 'sort'],
    ])('refuses the list query %p with 400', async (query, field) => {
      const response = await test
        .http()
        .get('/api/v1/customers')
        .query(query)
        .set(admin)
        .expect(400);
      expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });
  });

  describe('edit', () => {
    it('edits contact data, bumps the version and returns the new ETag', async () => {
      const customer = await createCustomer(test, admin.Authorization.slice(7));
      const response = await test
        .http()
        .patch(`/api/v1/customers/${customer.id}`)
        .set(admin)
        .send({ city: 'Hamburg', company: 'New Co' })
        .expect(200);
      expect(response.body).toMatchObject({ city: 'Hamburg', company: 'New Co', version: 2 });
      expect(response.headers.etag).toBe('"2-0-0"');
    });

    it('clears optional fields with null or an empty string, but refuses to clear the name', async () => {
      const customer = await createCustomer(test, admin.Authorization.slice(7), {
        company: 'Old Co',
        city: 'Berlin',
      });
      const response = await test
        .http()
        .patch(`/api/v1/customers/${customer.id}`)
        .set(admin)
        .send({ company: null, city: '' })
        .expect(200);
      expect(response.body).toMatchObject({ company: null, city: null });
      const refused = await test
        .http()
        .patch(`/api/v1/customers/${customer.id}`)
        .set(admin)
        .send({ name: null })
        .expect(400);
      expect(refused.body.errors[0].field).toBe('name');
    });

    it('refuses an edit based on a stale version with 412 and changes nothing', async () => {
      const customer = await createCustomer(test, admin.Authorization.slice(7));
      await test
        .http()
        .patch(`/api/v1/customers/${customer.id}`)
        .set(admin)
        .set('If-Match', '"1"')
        .send({ city: 'First' })
        .expect(200);
      const stale = await test
        .http()
        .patch(`/api/v1/customers/${customer.id}`)
        .set(admin)
        .set('If-Match', '"1"')
        .send({ city: 'Second' })
        .expect(412);
      expect(stale.body.type).toBe('/problems/precondition-failed');
      const current = await test
        .http()
        .get(`/api/v1/customers/${customer.id}`)
        .set(admin)
        .expect(200);
      expect(current.body).toMatchObject({ city: 'First', version: 2 });
    });

    it('changes the ETag when the counts change, so a conditional GET never answers 304 with stale counts; If-Match takes the whole ETag', async () => {
      const customer = await createCustomer(test, admin.Authorization.slice(7));
      const first = await test
        .http()
        .get(`/api/v1/customers/${customer.id}`)
        .set(admin)
        .expect(200);
      await test
        .http()
        .post('/api/v1/subscriptions')
        .set(admin)
        .send({ customerId: customer.id, name: `etag-${customer.id}.example`, plan: 'Basic' })
        .expect(201);
      const second = await test
        .http()
        .get(`/api/v1/customers/${customer.id}`)
        .set(admin)
        .set('If-None-Match', first.headers.etag)
        .expect(200);
      expect(second.body.counts).toEqual({ subscriptions: 1, domains: 1 });
      expect(second.headers.etag).toBe('"1-1-1"');
      await test
        .http()
        .patch(`/api/v1/customers/${customer.id}`)
        .set(admin)
        .set('If-Match', second.headers.etag)
        .send({ city: 'Etag' })
        .expect(200);
      await test
        .http()
        .patch(`/api/v1/customers/${customer.id}`)
        .set(admin)
        .set('If-Match', second.headers.etag)
        .send({ city: 'Stale' })
        .expect(412);
    });

    it('refuses a malformed If-Match with 400', async () => {
      const customer = await createCustomer(test, admin.Authorization.slice(7));
      await test
        .http()
        .patch(`/api/v1/customers/${customer.id}`)
        .set(admin)
        .set('If-Match', 'yesterday')
        .send({ city: 'X' })
        .expect(400);
    });

    it('changes the username and password; the new password logs in, the old one does not', async () => {
      const customer = await createCustomer(test, admin.Authorization.slice(7));
      await test
        .http()
        .patch(`/api/v1/customers/${customer.id}`)
        .set(admin)
        .send({ username: `${customer.username}-new`, password: 'brand-new-secret-9' })
        .expect(200);
      await login(test, `${customer.username}-new`, 'brand-new-secret-9');
      await test
        .http()
        .post('/api/v1/auth/login')
        .send({ username: `${customer.username}-new`, password: customer.password })
        .expect(401);
    });

    it('refuses a username taken by another customer (409) and leaves the customer as it was', async () => {
      const token = admin.Authorization.slice(7);
      const [a, b] = [await createCustomer(test, token), await createCustomer(test, token)];
      await test
        .http()
        .patch(`/api/v1/customers/${a.id}`)
        .set(admin)
        .send({ username: b.username.toUpperCase() })
        .expect(409);
      expect((await test.http().get(`/api/v1/customers/${a.id}`).set(admin)).body.username).toBe(
        a.username,
      );
    });

    it('refuses a new password containing the current username', async () => {
      const customer = await createCustomer(test, admin.Authorization.slice(7));
      const response = await test
        .http()
        .patch(`/api/v1/customers/${customer.id}`)
        .set(admin)
        .send({ password: `pre-${customer.username}-post` })
        .expect(400);
      expect(response.body.errors[0].field).toBe('password');
    });

    it('answers 404 for an unknown customer and 400 for unknown fields', async () => {
      await test
        .http()
        .patch('/api/v1/customers/999999')
        .set(admin)
        .send({ city: 'X' })
        .expect(404);
      const customer = await createCustomer(test, admin.Authorization.slice(7));
      await test
        .http()
        .patch(`/api/v1/customers/${customer.id}`)
        .set(admin)
        .send({ version: 1, city: 'X' })
        .expect(400);
    });
  });

  describe('delete', () => {
    it('removes a customer (204), then it is 404, and its username is free again', async () => {
      const customer = await createCustomer(test, admin.Authorization.slice(7));
      await test.http().delete(`/api/v1/customers/${customer.id}`).set(admin).expect(204);
      await test.http().get(`/api/v1/customers/${customer.id}`).set(admin).expect(404);
      await test.http().delete(`/api/v1/customers/${customer.id}`).set(admin).expect(404);
      await post(customerInput({ username: customer.username })).expect(201);
    });

    it('ends the sessions of a removed customer', async () => {
      const customer = await createCustomer(test, admin.Authorization.slice(7));
      const token = await login(test, customer.username, customer.password);
      await test.http().delete(`/api/v1/customers/${customer.id}`).set(admin).expect(204);
      await test.http().get('/api/v1/account').set(bearer(token)).expect(401);
    });
  });
});
