import { bearer, login, loginAdmin, startTestApp, TestApp } from './support/app';
import { expectEveryAnswerDocumented } from './support/openapi-contract';
import {
  cascadeState,
  eventCounts,
  postBulk,
  seedCustomers,
  waitForJob,
} from './support/bulk-jobs';
import { createCustomer } from './support/factories';

describe('bulk customer commands', () => {
  let test: TestApp;
  let admin: string;

  beforeAll(async () => {
    // Worker in the same process, small chunks so that even small jobs span several transactions.
    test = await startTestApp({ PROCESS_ROLE: 'all', BULK_CHUNK_SIZE: '7' });
    admin = await loginAdmin(test);
  });
  expectEveryAnswerDocumented(() => test);
  afterAll(() => test.close());

  const bulk = (body: unknown, token = admin) =>
    test
      .http()
      .post('/api/v1/customers/bulk')
      .set(bearer(token))
      .send(body as object);

  describe('validation', () => {
    it('refuses an empty id list', async () => {
      const response = await bulk({ action: 'suspend', ids: [] }).expect(400);
      expect(response.body.type).toBe('/problems/validation-failed');
      expect(response.body.errors[0].field).toBe('ids');
    });

    it('refuses 10,001 ids and accepts 10,000', async () => {
      const ids = Array.from({ length: 10_001 }, (_, i) => 4_000_000_000 + i);
      const refused = await bulk({ action: 'suspend', ids }).expect(400);
      expect(refused.body.errors).toEqual([
        expect.objectContaining({ field: 'ids', code: 'too_long', limit: 10_000 }),
      ]);
      // Acceptance is what this checks, so the job is planned an hour ahead and then cancelled:
      // run here, in this spec's chunks of 7, it would take 1,429 transactions (half a minute on
      // an idle machine). Running chunks is what the other tests and the bench check.
      const runAt = new Date(Date.now() + 3_600_000).toISOString();
      const accepted = await bulk({ action: 'suspend', ids: ids.slice(0, 10_000), runAt }).expect(
        202,
      );
      const jobId = (accepted.body as { jobId: number }).jobId;
      expect(accepted.headers.location).toBe(`/api/v1/jobs/${jobId}`);
      const job = await test
        .http()
        .get(`/api/v1/jobs/${jobId}?results=false`)
        .set(bearer(admin))
        .expect(200);
      expect(job.body).toMatchObject({ state: 'scheduled', total: 10_000, processed: 0 });
      const [stored] = await test
        .em()
        .getConnection()
        .execute<Array<{ count: number; first: number; last: number }>>(
          'SELECT JSON_LENGTH(customer_ids) AS count, first_id AS first, last_id AS last FROM bulk_job WHERE id = ?',
          [jobId],
        );
      expect(stored).toEqual({ count: 10_000, first: 4_000_000_000, last: 4_000_009_999 });
      await test.http().post(`/api/v1/jobs/${jobId}/cancel`).set(bearer(admin)).expect(200);
    });

    it('refuses duplicate ids', async () => {
      const response = await bulk({ action: 'suspend', ids: [1, 2, 2] }).expect(400);
      expect(response.body.detail).toMatch(/duplicates/);
    });

    it('refuses an unknown action, ids that are not positive integers, and unknown fields', async () => {
      await bulk({ action: 'delete', ids: [1] }).expect(400);
      await bulk({ ids: [1] }).expect(400);
      for (const ids of [[0], [-3], [1.5], ['1'], [4_294_967_296], 'abc', null])
        await bulk({ action: 'suspend', ids }).expect(400);
      await bulk({ action: 'suspend', ids: [1], force: true }).expect(400);
    });

    it("refuses a customer's token (403) and no token (401)", async () => {
      const customer = await createCustomer(test, admin);
      const token = await login(test, customer.username, customer.password);
      await bulk({ action: 'suspend', ids: [customer.id] }, token).expect(403);
      await test.http().get('/api/v1/jobs').set(bearer(token)).expect(403);
      await test
        .http()
        .post('/api/v1/customers/bulk')
        .send({ action: 'suspend', ids: [1] })
        .expect(401);
    });

    it('refuses a malformed Idempotency-Key', async () => {
      await test
        .http()
        .post('/api/v1/customers/bulk')
        .set(bearer(admin))
        .set('Idempotency-Key', 'x'.repeat(256))
        .send({ action: 'suspend', ids: [1] })
        .expect(400);
    });
  });

  describe('bulk suspend, activate and remove', () => {
    it('answers 202 with the job at Location, and the job reports every outcome', async () => {
      const ids = await seedCustomers(test, 20);
      const missing = ids[ids.length - 1] + 1000;
      const response = await bulk({ action: 'suspend', ids: [missing, ...ids] }).expect(202);
      const jobId = response.body.jobId as number;
      expect(response.headers.location).toBe(`/api/v1/jobs/${jobId}`);

      const job = await waitForJob(test, admin, jobId);
      expect(job).toMatchObject({
        id: jobId,
        action: 'suspend',
        state: 'completed',
        total: 21,
        processed: 21,
        succeeded: 20,
        failed: 1,
      });
      expect(job.results).toEqual([
        ...ids.map((id) => ({ id, outcome: 'suspended' })),
        { id: missing, outcome: 'not_found' },
      ]);
      const summary = await test
        .http()
        .get(`/api/v1/jobs/${jobId}?results=false`)
        .set(bearer(admin))
        .expect(200);
      expect(summary.body).toEqual({ ...job, results: undefined });
      await test.http().get(`/api/v1/jobs/${jobId}?results=maybe`).set(bearer(admin)).expect(400);
      expect(Date.parse(job.createdAt)).toBeLessThanOrEqual(Date.parse(job.startedAt ?? ''));
      expect(Date.parse(job.startedAt ?? '')).toBeLessThanOrEqual(Date.parse(job.finishedAt ?? ''));

      const state = await cascadeState(test, ids);
      expect(state.inconsistent).toEqual([]);
      expect([...state.statuses.values()].every((status) => status === 'suspended')).toBe(true);
    });

    it('suspends each customer with its whole cascade and announces each transition exactly once', async () => {
      const ids = await seedCustomers(test, 10, 2, 3);
      const jobId = await postBulk(test, admin, 'suspend', ids);
      await waitForJob(test, admin, jobId);
      const counts = await eventCounts(test, jobId);
      const byType = (type: string) => counts.filter((row) => row.type === type);
      expect(
        byType('customer.suspended')
          .map((row) => Number(row.object_id))
          .sort((a, b) => a - b),
      ).toEqual(ids);
      expect(byType('subscription.suspended')).toHaveLength(20);
      expect(byType('domain.suspended')).toHaveLength(60);
      expect(byType('job.completed')).toHaveLength(1);
      expect(counts.every((row) => Number(row.n) === 1)).toBe(true);
    });

    it('reports customers already in the asked-for state as unchanged, without events', async () => {
      const ids = await seedCustomers(test, 5, 1, 1);
      await waitForJob(test, admin, await postBulk(test, admin, 'suspend', ids.slice(0, 2)));
      const jobId = await postBulk(test, admin, 'suspend', ids);
      const job = await waitForJob(test, admin, jobId);
      expect(job.results.map((r) => r.outcome)).toEqual([
        'unchanged',
        'unchanged',
        'suspended',
        'suspended',
        'suspended',
      ]);
      expect(job.succeeded).toBe(5);
      const counts = await eventCounts(test, jobId);
      expect(
        counts
          .filter((row) => row.type === 'customer.suspended')
          .map((row) => Number(row.object_id)),
      ).toEqual(ids.slice(2));
    });

    it('activates suspended customers with their cascade', async () => {
      const ids = await seedCustomers(test, 9);
      await waitForJob(test, admin, await postBulk(test, admin, 'suspend', ids));
      const job = await waitForJob(test, admin, await postBulk(test, admin, 'activate', ids));
      expect(job.results.every((r) => r.outcome === 'activated')).toBe(true);
      const state = await cascadeState(test, ids);
      expect(state.inconsistent).toEqual([]);
      expect([...state.statuses.values()].every((status) => status === 'active')).toBe(true);
      const [{ suspended }] = await test
        .em()
        .getConnection()
        .execute<Array<{ suspended: number }>>(
          `SELECT COUNT(*) AS suspended FROM domain WHERE customer_id IN (${ids.join(',')}) AND status <> 'active'`,
        );
      expect(Number(suspended)).toBe(0);
    });

    it('removes customers with their subscriptions and domains, and reports unknown ids as not_found', async () => {
      const ids = await seedCustomers(test, 8);
      const job = await waitForJob(
        test,
        admin,
        await postBulk(test, admin, 'remove', [...ids, ids[7] + 5000]),
      );
      expect(job.results.map((r) => r.outcome)).toEqual([...ids.map(() => 'removed'), 'not_found']);
      expect((await cascadeState(test, ids)).missing).toEqual(ids);
      const [{ left }] = await test
        .em()
        .getConnection()
        .execute<Array<{ left: number }>>(
          `SELECT (SELECT COUNT(*) FROM subscription WHERE customer_id IN (${ids.join(',')})) + (SELECT COUNT(*) FROM domain WHERE customer_id IN (${ids.join(',')})) AS \`left\``,
        );
      expect(Number(left)).toBe(0);
      const deleted = (await eventCounts(test, jobId(job))).filter(
        (row) => row.type === 'customer.deleted',
      );
      expect(deleted.map((row) => Number(row.object_id)).sort((a, b) => a - b)).toEqual(ids);
    });
  });

  describe('overlapping jobs', () => {
    it('completes a suspend and an activate started together on the same customers, ending in the state of one order', async () => {
      const ids = await seedCustomers(test, 120, 2, 3);
      await waitForJob(
        test,
        admin,
        await postBulk(
          test,
          admin,
          'suspend',
          ids.filter((_, i) => i % 2 === 0),
        ),
      );
      const [suspend, activate] = await Promise.all([
        postBulk(test, admin, 'suspend', ids),
        postBulk(test, admin, 'activate', ids),
      ]);
      const [suspended, activated] = await Promise.all([
        waitForJob(test, admin, suspend),
        waitForJob(test, admin, activate),
      ]);
      for (const job of [suspended, activated]) {
        expect(job.state).toBe('completed');
        expect(job.results.filter((r) => r.outcome === 'failed')).toEqual([]);
      }
      const state = await cascadeState(test, ids);
      expect(state.inconsistent).toEqual([]);
      expect(new Set(state.statuses.values()).size).toBe(1);
      // Each customer's events alternate: no transition was applied or announced twice.
      const events = await test
        .em()
        .getConnection()
        .execute<Array<{ object_id: number; types: string }>>(
          `SELECT object_id, GROUP_CONCAT(type ORDER BY id) AS types FROM outbox_event WHERE object_type = 'customer' AND job_id IN (?, ?) GROUP BY object_id`,
          [suspend, activate],
        );
      for (const row of events)
        expect(row.types).not.toMatch(
          /(customer\.suspended,customer\.suspended|customer\.activated,customer\.activated)/,
        );
    });
  });
});

const jobId = (job: { id: number }) => job.id;
