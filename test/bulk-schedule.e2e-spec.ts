import { createConnection } from 'mysql2/promise';
import { bearer, loginAdmin, startTestApp, TestApp } from './support/app';
import { eventually } from './support/browser';
import { getJob, seedCustomers, waitForJob } from './support/bulk-jobs';
import { eventsAfter, lastEventId } from './support/hosting';

const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();

jest.setTimeout(120_000);

describe('scheduled bulk jobs', () => {
  let test: TestApp;
  let admin: string;

  beforeAll(async () => {
    test = await startTestApp({ PROCESS_ROLE: 'all', BULK_CHUNK_SIZE: '7' });
    admin = await loginAdmin(test);
  });
  afterAll(() => test?.close());

  const bulk = (body: object) =>
    test.http().post('/api/v1/customers/bulk').set(bearer(admin)).send(body);
  const cancel = (jobId: number) =>
    test.http().post(`/api/v1/jobs/${jobId}/cancel`).set(bearer(admin));
  const customer = async (id: number) =>
    (await test.http().get(`/api/v1/customers/${id}`).set(bearer(admin)).expect(200)).body;
  const jobCount = async () =>
    Number((await test.em().getConnection().execute('SELECT COUNT(*) AS n FROM bulk_job'))[0].n);

  it('suspends at once with the reason, named after the administrator', async () => {
    const ids = await seedCustomers(test, 3, 1, 1);
    const accepted = await bulk({ action: 'suspend', ids, reason: 'Contract ended' }).expect(202);
    const job = await waitForJob(test, admin, accepted.body.jobId);
    expect(job).toMatchObject({ state: 'completed', runAt: null, reason: 'Contract ended' });
    for (const id of ids) {
      expect((await customer(id)).suspension).toMatchObject({
        reason: 'Contract ended',
        suspendedBy: 'admin:1',
      });
    }
  });

  it('replaces the reason of customers it finds suspended: unchanged, announced as customer.updated only', async () => {
    const ids = await seedCustomers(test, 2, 1, 1);
    await waitForJob(
      test,
      admin,
      (await bulk({ action: 'suspend', ids, reason: 'First' }).expect(202)).body.jobId,
    );
    const after = await lastEventId(test);
    const again = await bulk({ action: 'suspend', ids, reason: 'Second' }).expect(202);
    const job = await waitForJob(test, admin, again.body.jobId);
    expect(job.results.map((result) => result.outcome)).toEqual(['unchanged', 'unchanged']);
    const types = (await eventsAfter(test, after))
      .filter((event) => event.objectType === 'customer')
      .map((event) => `${event.type}:${event.objectId}:${event.jobId}`);
    expect(types).toEqual(ids.map((id) => `customer.updated:${id}:${job.id}`));
    for (const id of ids) expect((await customer(id)).suspension.reason).toBe('Second');
  });

  it('runs at runAt and not before, through the worker, and announces job.completed', async () => {
    const ids = await seedCustomers(test, 9, 1, 1);
    const after = await lastEventId(test);
    const runAt = inMs(3_000);
    const accepted = await bulk({ action: 'suspend', ids, runAt, reason: 'Overdue' }).expect(202);
    const jobId = accepted.body.jobId as number;
    expect(accepted.headers.location).toBe(`/api/v1/jobs/${jobId}`);

    const planned = await getJob(test, admin, jobId);
    expect(planned).toMatchObject({
      state: 'scheduled',
      runAt,
      reason: 'Overdue',
      startedAt: null,
    });
    const plan = await test
      .http()
      .get('/api/v1/jobs?state=scheduled')
      .set(bearer(admin))
      .expect(200);
    expect(plan.body.items.map((item: { id: number }) => item.id)).toContain(jobId);
    expect(plan.body.items.every((item: { state: string }) => item.state === 'scheduled')).toBe(
      true,
    );

    const job = await waitForJob(test, admin, jobId, 30_000);
    expect(job.state).toBe('completed');
    expect(job.succeeded).toBe(9);
    // The recorded start, not the test's clock: the worker did not begin before runAt.
    expect(Date.parse(job.startedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(runAt));
    // "Within a few seconds" of runAt.
    expect(Date.parse(job.startedAt ?? '')).toBeLessThan(Date.parse(runAt) + 5_000);
    for (const id of ids) {
      expect((await customer(id)).suspension).toMatchObject({
        reason: 'Overdue',
        suspendedBy: `job:${jobId}`,
      });
    }

    const events = (await eventsAfter(test, after)).filter((event) => event.objectType === 'job');
    expect(events.map((event) => event.type)).toEqual(['job.scheduled', 'job.completed']);
    expect(events[0]).toMatchObject({ actor: 'admin:1', objectId: jobId });
    expect(events[1].payload).toMatchObject({ job: { id: jobId, state: 'completed', runAt } });
    const audit = await test
      .http()
      .get(`/api/v1/audit?objectType=job&objectId=${jobId}`)
      .set(bearer(admin))
      .expect(200);
    expect(audit.body.items.map((item: { type: string }) => item.type)).toEqual([
      'job.completed',
      'job.scheduled',
    ]);
  });

  it('cancels a scheduled job: it becomes cancelled and never runs', async () => {
    const ids = await seedCustomers(test, 2, 1, 1);
    const markerIds = await seedCustomers(test, 1, 1, 1);
    const accepted = await bulk({ action: 'remove', ids, runAt: inMs(2_000) }).expect(202);
    const jobId = accepted.body.jobId as number;
    const cancelled = await cancel(jobId).expect(200);
    expect(cancelled.body).toMatchObject({ id: jobId, state: 'cancelled' });
    expect(cancelled.body.finishedAt).not.toBeNull();
    // Cancelling again answers the same; the audit trail names who cancelled it.
    await cancel(jobId).expect(200);
    const audit = await test
      .http()
      .get(`/api/v1/audit?objectType=job&objectId=${jobId}`)
      .set(bearer(admin))
      .expect(200);
    expect(audit.body.items[0]).toMatchObject({
      type: 'job.completed',
      actor: 'admin:1',
      data: { job: { state: 'cancelled' } },
    });

    // A marker job planned for later than the cancelled one: once it has run, the cancelled one had its chance.
    const marker = await bulk({ action: 'suspend', ids: markerIds, runAt: inMs(3_000) }).expect(
      202,
    );
    await waitForJob(test, admin, marker.body.jobId, 30_000);
    expect(await getJob(test, admin, jobId)).toMatchObject({
      state: 'cancelled',
      startedAt: null,
      processed: 0,
    });
    for (const id of ids) expect((await customer(id)).status).toBe('active');
  });

  it('refuses to cancel a job once it runs (409), and a job that does not exist (404)', async () => {
    const ids = await seedCustomers(test, 2, 1, 1);
    // Hold one customer's row lock, so the job is caught running at its first chunk.
    const blocker = await createConnection({ uri: test.config.databaseUrl });
    try {
      await blocker.beginTransaction();
      await blocker.query('SELECT id FROM customer WHERE id = ? FOR UPDATE', [ids[0]]);
      const accepted = await bulk({ action: 'suspend', ids }).expect(202);
      const jobId = accepted.body.jobId as number;
      expect(
        await eventually(async () => (await getJob(test, admin, jobId)).state, 'running'),
      ).toBe('running');
      const refused = await cancel(jobId).expect(409);
      expect(refused.body.type).toMatch(/conflict/);
      await blocker.rollback();
      expect((await waitForJob(test, admin, jobId)).state).toBe('completed');
      await cancel(jobId).expect(409);
    } finally {
      await blocker.end();
    }
    await cancel(999_999).expect(404);
    await cancel(0).expect(400);
  });

  it('refuses a runAt in the past, now, over a year ahead, not a time or an impossible date, recording no job', async () => {
    const [id] = await seedCustomers(test, 1, 1, 1);
    const before = await jobCount();
    const yearAhead = new Date();
    yearAhead.setUTCFullYear(yearAhead.getUTCFullYear() + 1);
    for (const runAt of [
      inMs(-60_000),
      inMs(-1),
      new Date(yearAhead.getTime() + 60_000).toISOString(),
      'tomorrow',
      '2027-13-01T00:00:00Z',
      '2024-02-30T10:00:00Z',
    ]) {
      const answer = await bulk({ action: 'suspend', ids: [id], runAt }).expect(400);
      expect(answer.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(answer.body.errors[0].field).toBe('runAt');
    }
    expect(await jobCount()).toBe(before);
    // Just under a year ahead is fine.
    await bulk({ action: 'activate', ids: [id], runAt: inMs(364 * 86_400_000) }).expect(202);
  });

  it('honours Idempotency-Key for a schedule: the same request returns the first job, another time is 422', async () => {
    const ids = await seedCustomers(test, 2, 1, 1);
    const runAt = inMs(3_600_000);
    const send = (body: object) =>
      test
        .http()
        .post('/api/v1/customers/bulk')
        .set(bearer(admin))
        .set('Idempotency-Key', 'schedule-key-1')
        .send(body);
    const first = await send({ action: 'suspend', ids, runAt, reason: 'Plan' }).expect(202);
    const again = await send({ action: 'suspend', ids, runAt, reason: 'Plan' }).expect(202);
    expect(again.body.jobId).toBe(first.body.jobId);
    expect(again.headers['idempotent-replayed']).toBe('true');
    await send({ action: 'suspend', ids, runAt: inMs(7_200_000), reason: 'Plan' }).expect(422);
    await send({ action: 'suspend', ids, runAt, reason: 'Another' }).expect(422);
    await send({ action: 'suspend', ids }).expect(422);
    await cancel(first.body.jobId).expect(200);
  });

  it('lists jobs by state and refuses an unknown state', async () => {
    const listed = await test
      .http()
      .get('/api/v1/jobs?state=cancelled')
      .set(bearer(admin))
      .expect(200);
    expect(listed.body.items.length).toBeGreaterThan(0);
    expect(listed.body.items.every((item: { state: string }) => item.state === 'cancelled')).toBe(
      true,
    );
    await test.http().get('/api/v1/jobs?state=sleeping').set(bearer(admin)).expect(400);
  });
});
