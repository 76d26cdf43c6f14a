import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { BULK_QUEUE } from '../src/queues';
import { bearer, loginAdmin, startTestApp, TestApp } from './support/app';
import { getJob, postBulk, seedCustomers, waitForJob } from './support/bulk-jobs';

describe('bulk job records', () => {
  let test: TestApp;
  let admin: string;

  beforeAll(async () => {
    test = await startTestApp({ PROCESS_ROLE: 'all', BULK_CHUNK_SIZE: '7' });
    admin = await loginAdmin(test);
  });
  afterAll(() => test.close());

  const bulk = (body: unknown, token = admin) =>
    test
      .http()
      .post('/api/v1/customers/bulk')
      .set(bearer(token))
      .send(body as object);

  describe('idempotency keys', () => {
    it('returns the first job for the same key and request', async () => {
      const ids = await seedCustomers(test, 3, 1, 1);
      const first = await bulk({ action: 'suspend', ids })
        .set('Idempotency-Key', 'key-same-1')
        .expect(202);
      const again = await test
        .http()
        .post('/api/v1/customers/bulk')
        .set(bearer(admin))
        .set('Idempotency-Key', 'key-same-1')
        .send({ action: 'suspend', ids: [...ids].reverse() })
        .expect(202);
      expect(again.body.jobId).toBe(first.body.jobId);
      expect(again.headers.location).toBe(`/api/v1/jobs/${first.body.jobId}`);
      expect(again.headers['idempotent-replayed']).toBe('true');
      const other = await bulk({ action: 'suspend', ids })
        .set('Idempotency-Key', 'key-same-2')
        .expect(202);
      expect(other.body.jobId).not.toBe(first.body.jobId);
    });

    it('gives concurrent requests with one key one job, across API processes', async () => {
      // A second API instance on the same database and Redis, as when the API is scaled out.
      const other = await startTestApp({ PROCESS_ROLE: 'api' }, { reset: false });
      try {
        const ids = await seedCustomers(test, 2, 1, 1);
        const responses = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            (i % 2 ? other : test)
              .http()
              .post('/api/v1/customers/bulk')
              .set(bearer(admin))
              .set('Idempotency-Key', 'key-race')
              .send({ action: 'suspend', ids }),
          ),
        );
        expect(responses.map((r) => r.status)).toEqual(Array(8).fill(202));
        expect(new Set(responses.map((r) => r.body.jobId)).size).toBe(1);
        const [{ jobs }] = await test
          .em()
          .getConnection()
          .execute<Array<{ jobs: number }>>(
            "SELECT COUNT(*) AS jobs FROM bulk_job WHERE idempotency_key = 'key-race'",
          );
        expect(Number(jobs)).toBe(1);
      } finally {
        await other.close();
      }
    });

    it('refuses a key reused for a different request with 422', async () => {
      const ids = await seedCustomers(test, 2, 1, 1);
      await test
        .http()
        .post('/api/v1/customers/bulk')
        .set(bearer(admin))
        .set('Idempotency-Key', 'key-reused')
        .send({ action: 'suspend', ids })
        .expect(202);
      const reused = await test
        .http()
        .post('/api/v1/customers/bulk')
        .set(bearer(admin))
        .set('Idempotency-Key', 'key-reused')
        .send({ action: 'activate', ids })
        .expect(422);
      expect(reused.body.type).toBe('/problems/idempotency-key-reused');
    });

    it('starts a new job for a key first used more than 24 h ago', async () => {
      const ids = await seedCustomers(test, 2, 1, 1);
      const first = await test
        .http()
        .post('/api/v1/customers/bulk')
        .set(bearer(admin))
        .set('Idempotency-Key', 'key-old')
        .send({ action: 'suspend', ids })
        .expect(202);
      await test
        .em()
        .getConnection()
        .execute(
          'UPDATE bulk_job SET created_at = UTC_TIMESTAMP(3) - INTERVAL 25 HOUR WHERE id = ?',
          [first.body.jobId],
        );
      const later = await test
        .http()
        .post('/api/v1/customers/bulk')
        .set(bearer(admin))
        .set('Idempotency-Key', 'key-old')
        .send({ action: 'activate', ids })
        .expect(202);
      expect(later.body.jobId).not.toBe(first.body.jobId);
      expect(later.headers['idempotent-replayed']).toBeUndefined();
    });
  });

  describe('job status', () => {
    it('lists jobs newest first with keyset paging, without per-id results', async () => {
      const ids = await seedCustomers(test, 1, 1, 1);
      const created = [];
      for (let i = 0; i < 3; i += 1)
        created.push(await postBulk(test, admin, i % 2 ? 'activate' : 'suspend', ids));
      const first = await test.http().get('/api/v1/jobs?limit=2').set(bearer(admin)).expect(200);
      expect(first.body.items.map((job: { id: number }) => job.id)).toEqual([
        created[2],
        created[1],
      ]);
      expect(first.body.items[0].results).toBeUndefined();
      const second = await test
        .http()
        .get(`/api/v1/jobs?limit=2&cursor=${first.body.nextCursor}`)
        .set(bearer(admin))
        .expect(200);
      expect(second.body.items[0].id).toBe(created[0]);
      await test.http().get('/api/v1/jobs?cursor=nonsense!').set(bearer(admin)).expect(400);
    });

    it('answers 404 for an unknown job and 400 for an id that is not a positive integer', async () => {
      await test.http().get('/api/v1/jobs/4000000000').set(bearer(admin)).expect(404);
      await test.http().get('/api/v1/jobs/abc').set(bearer(admin)).expect(400);
      await test.http().get('/api/v1/jobs/0').set(bearer(admin)).expect(400);
    });
  });

  it('keeps job records in MySQL after BullMQ has forgotten the job', async () => {
    const done = await waitForJob(
      test,
      admin,
      await postBulk(test, admin, 'suspend', [4_100_000_000]),
    );
    await test.app.get<Queue>(getQueueToken(BULK_QUEUE)).obliterate({ force: true });
    expect(await getJob(test, admin, done.id)).toEqual(done);
  });
});
