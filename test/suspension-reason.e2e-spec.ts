import { bearer, login, loginAdmin, startTestApp, TestApp } from './support/app';
import { createCustomer, CreatedCustomer } from './support/factories';
import { eventsAfter, lastEventId } from './support/hosting';

/** A reason no other text in the system contains, so finding it anywhere is a leak. */
const reasonOf = (label: string) =>
  `Invoice ${label}-${Math.random().toString(36).slice(2, 8)} overdue`;

interface Suspension {
  reason: string | null;
  suspendedAt: string | null;
  suspendedBy: string | null;
}

describe('suspension reason', () => {
  let test: TestApp;
  let admin: string;
  beforeAll(async () => {
    test = await startTestApp();
    admin = await loginAdmin(test);
  });
  afterAll(() => test?.close());

  const post = (path: string) => test.http().post(`/api/v1${path}`).set(bearer(admin));
  const read = async (path: string) =>
    (await test.http().get(`/api/v1${path}`).set(bearer(admin)).expect(200)).body;
  const columns = async (id: number) =>
    (
      await test
        .em()
        .getConnection()
        .execute<Array<Record<string, unknown>>>(
          'SELECT status, suspension_reason, suspended_at, suspended_by, version FROM customer WHERE id = ?',
          [id],
        )
    )[0];

  it('is stored with the time and the actor, shown to administrators in detail and list, and cleared by activation', async () => {
    const customer = await createCustomer(test, admin);
    const reason = reasonOf('detail');
    const before = Date.now();
    const answer = await post(`/customers/${customer.id}/suspend`).send({ reason }).expect(200);
    const suspension = answer.body.suspension as Suspension;
    expect(answer.body.status).toBe('suspended');
    expect(suspension).toEqual({ reason, suspendedAt: expect.any(String), suspendedBy: 'admin:1' });
    expect(Date.parse(suspension.suspendedAt ?? '')).toBeGreaterThanOrEqual(before - 1000);

    expect((await read(`/customers/${customer.id}`)).suspension).toEqual(suspension);
    const listed = (await read('/customers?status=suspended&limit=200')).items.find(
      (item: { id: number }) => item.id === customer.id,
    );
    expect(listed.suspension).toEqual(suspension);
    expect(await columns(customer.id)).toMatchObject({
      suspension_reason: reason,
      suspended_by: 'admin:1',
    });

    const activated = await post(`/customers/${customer.id}/activate`).expect(200);
    expect(activated.body).toMatchObject({ status: 'active', suspension: null });
    expect(await columns(customer.id)).toMatchObject({
      suspension_reason: null,
      suspended_at: null,
      suspended_by: null,
    });
  });

  it('is optional: a suspension without a body has a null reason', async () => {
    const customer = await createCustomer(test, admin);
    const answer = await post(`/customers/${customer.id}/suspend`).expect(200);
    expect(answer.body.suspension).toMatchObject({ reason: null, suspendedBy: 'admin:1' });
    const active = await createCustomer(test, admin);
    expect((await read(`/customers/${active.id}`)).suspension).toBeNull();
  });

  it('is in the customer.suspended event and in the audit trail', async () => {
    const customer = await createCustomer(test, admin);
    const reason = reasonOf('event');
    const after = await lastEventId(test);
    await post(`/customers/${customer.id}/suspend`).send({ reason }).expect(200);
    const [event] = (await eventsAfter(test, after)).filter(
      (row) => row.type === 'customer.suspended',
    );
    expect(event.payload).toMatchObject({
      reason,
      customer: { id: customer.id, suspension: { reason, suspendedBy: 'admin:1' } },
    });
    const audit = await read(`/audit?objectType=customer&objectId=${customer.id}`);
    const entry = audit.items.find((item: { type: string }) => item.type === 'customer.suspended');
    expect(entry).toMatchObject({ actor: 'admin:1', data: { reason } });
  });

  it('is replaced by re-suspending with a new reason: recorded in the audit trail, but no customer.suspended event', async () => {
    const customer = await createCustomer(test, admin);
    const first = reasonOf('first');
    const second = reasonOf('second');
    const suspended = await post(`/customers/${customer.id}/suspend`).send({ reason: first });
    const after = await lastEventId(test);

    const again = await post(`/customers/${customer.id}/suspend`)
      .send({ reason: second })
      .expect(200);
    expect(again.body.suspension).toEqual({
      ...suspended.body.suspension,
      reason: second,
    });
    const events = await eventsAfter(test, after);
    expect(events.map((event) => event.type)).toEqual(['customer.updated']);
    expect(events[0].payload).toMatchObject({ changes: ['suspension.reason'], reason: second });
    const audit = await read(`/audit?objectType=customer&objectId=${customer.id}`);
    expect(audit.items[0]).toMatchObject({ type: 'customer.updated', data: { reason: second } });

    // The same reason again, or none at all, changes nothing and writes nothing.
    const version = (await columns(customer.id)).version;
    await post(`/customers/${customer.id}/suspend`).send({ reason: second }).expect(200);
    await post(`/customers/${customer.id}/suspend`).expect(200);
    expect(await eventsAfter(test, events[0].id)).toEqual([]);
    expect((await columns(customer.id)).version).toBe(version);
  });

  it('refuses a reason over 255 characters with 400 and changes nothing', async () => {
    const customer = await createCustomer(test, admin);
    const after = await lastEventId(test);
    const answer = await post(`/customers/${customer.id}/suspend`)
      .send({ reason: 'x'.repeat(256) })
      .expect(400);
    expect(answer.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(answer.body.errors).toEqual([
      expect.objectContaining({ field: 'reason', code: 'too_long', message: expect.any(String) }),
    ]);
    expect(await columns(customer.id)).toMatchObject({ status: 'active', suspension_reason: null });
    expect(await eventsAfter(test, after)).toEqual([]);

    // The same for a suspended customer's reason, and for fields that are not there.
    await post(`/customers/${customer.id}/suspend`).send({ reason: 'kept' }).expect(200);
    await post(`/customers/${customer.id}/suspend`)
      .send({ reason: 'y'.repeat(256) })
      .expect(400);
    await post(`/customers/${customer.id}/suspend`).send({ why: 'no' }).expect(400);
    await post(`/customers/${customer.id}/suspend`).send({ reason: 42 }).expect(400);
    expect(await columns(customer.id)).toMatchObject({ suspension_reason: 'kept' });
    await post(`/customers/${customer.id}/suspend`)
      .send({ reason: 'z'.repeat(255) })
      .expect(200);
  });

  describe('never reaches the customer', () => {
    let customer: CreatedCustomer;
    let other: CreatedCustomer;
    const reason = reasonOf('secret');
    const seen: Array<{ what: string; body: string }> = [];
    const scan = (what: string, body: unknown) => seen.push({ what, body: JSON.stringify(body) });

    beforeAll(async () => {
      customer = await createCustomer(test, admin);
      other = await createCustomer(test, admin);
    });

    it('not while it is suspended: login, /auth/me and /account with its old token', async () => {
      const token = await login(test, customer.username, customer.password);
      await post(`/customers/${customer.id}/suspend`).send({ reason }).expect(200);

      const refused = await test
        .http()
        .post('/api/v1/auth/login')
        .send({ username: customer.username, password: customer.password })
        .expect(403);
      expect(refused.body.type).toMatch(/account-suspended/);
      scan('login', refused.body);
      for (const path of ['/auth/me', '/account']) {
        const answer = await test.http().get(`/api/v1${path}`).set(bearer(token));
        expect(answer.status).toBeGreaterThanOrEqual(400);
        scan(path, answer.body);
      }
      expect(seen.map((entry) => entry.body).join('\n')).not.toContain(reason);
      expect(seen.map((entry) => entry.body).join('\n')).not.toContain('Invoice');
    });

    it('not to another customer either: its own answers and its 403 and 404 problem bodies', async () => {
      const token = await login(test, other.username, other.password);
      const answers = [
        await test.http().get('/api/v1/auth/me').set(bearer(token)).expect(200),
        await test.http().get('/api/v1/account').set(bearer(token)).expect(200),
        await test.http().get(`/api/v1/customers/${customer.id}`).set(bearer(token)).expect(403),
        await test.http().get('/api/v1/customers?status=suspended').set(bearer(token)).expect(403),
        await test.http().get(`/api/v1/audit?customerId=${customer.id}`).set(bearer(token)),
        await test.http().get(`/api/v1/subscriptions?customerId=${customer.id}`).set(bearer(token)),
      ];
      answers.forEach((answer, index) => scan(`answer ${index}`, answer.body));
      expect(answers[4].status).toBe(403);
      expect(seen.map((entry) => entry.body).join('\n')).not.toContain(reason);
    });

    it('not after re-activation: its login, /auth/me, /account and its 404 problem bodies', async () => {
      await post(`/customers/${customer.id}/activate`).expect(200);
      const loggedIn = await test
        .http()
        .post('/api/v1/auth/login')
        .send({ username: customer.username, password: customer.password })
        .expect(200);
      const token = loggedIn.body.accessToken as string;
      scan('login', loggedIn.body);
      const answers = [
        await test.http().get('/api/v1/auth/me').set(bearer(token)).expect(200),
        await test.http().get('/api/v1/account').set(bearer(token)).expect(200),
        await test.http().get('/api/v1/subscriptions/999999').set(bearer(token)).expect(404),
        await test.http().get('/api/v1/jobs/1').set(bearer(token)).expect(403),
      ];
      answers.forEach((answer, index) => scan(`answer ${index}`, answer.body));
      expect(answers[1].body).not.toHaveProperty('suspension');
      expect(seen.length).toBeGreaterThanOrEqual(12);
      expect(seen.map((entry) => entry.body).join('\n')).not.toContain(reason);
    });
  });

  it('is documented: an optional body with an optional reason, and a nullable suspension in the admin view', async () => {
    const doc = (await test.http().get('/api/docs-json').expect(200)).body;
    const suspend = doc.paths['/api/v1/customers/{id}/suspend'].post;
    expect(suspend.requestBody.required).toBe(false);
    const dto = doc.components.schemas.SuspendCustomerDto;
    expect(dto.properties.reason).toMatchObject({ type: 'string', maxLength: 255 });
    expect(dto.required ?? []).not.toContain('reason');
    // OpenAPI 3.0 ignores `nullable` beside a $ref: null is an alternative of its own.
    expect(doc.components.schemas.CustomerDetailView.properties.suspension).toMatchObject({
      anyOf: [
        { $ref: '#/components/schemas/CustomerSuspensionView' },
        { nullable: true, enum: [null] },
      ],
    });
    const account = doc.paths['/api/v1/account'].get.responses['200'].content['application/json'];
    const accountView = doc.components.schemas[account.schema.$ref.split('/').pop()];
    expect(Object.keys(accountView.properties)).not.toContain('suspension');
    const bulk = doc.components.schemas.BulkCommandDto;
    expect(bulk.required).toEqual(['action', 'ids']);
    expect(bulk.properties.runAt).toMatchObject({ type: 'string', format: 'date-time' });
    expect(doc.paths['/api/v1/jobs/{id}/cancel'].post).toBeDefined();
  });

  describe('bulk suspend', () => {
    it('refuses a reason with activate or remove, and one over 255 characters, recording no job', async () => {
      const customer = await createCustomer(test, admin);
      const jobs = async () =>
        (await test.em().getConnection().execute('SELECT COUNT(*) AS n FROM bulk_job'))[0].n;
      const before = await jobs();
      for (const body of [
        { action: 'activate', ids: [customer.id], reason: 'no' },
        { action: 'remove', ids: [customer.id], reason: 'no' },
        { action: 'suspend', ids: [customer.id], reason: 'r'.repeat(256) },
      ]) {
        const answer = await post('/customers/bulk').send(body).expect(400);
        expect(answer.body.errors[0].field).toBe('reason');
      }
      expect(await jobs()).toBe(before);
    });
  });
});
