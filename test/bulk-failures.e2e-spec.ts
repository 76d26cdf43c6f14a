import { loginAdmin, startTestApp, TestApp } from './support/app';
import {
  cascadeState,
  eventCounts,
  postBulk,
  seedCustomers,
  waitForJob,
} from './support/bulk-jobs';

/**
 * Failures are provoked with triggers on `customer`: the worker's statements meet real MariaDB
 * errors, nothing is mocked. A non-transactional (Aria) table counts attempts across rollbacks.
 */
describe('bulk jobs when the database fails', () => {
  let test: TestApp;
  let admin: string;
  const sql = (statement: string, params: unknown[] = []) =>
    test.em().getConnection().execute(statement, params);

  beforeAll(async () => {
    test = await startTestApp({ PROCESS_ROLE: 'all', BULK_CHUNK_SIZE: '5' });
    admin = await loginAdmin(test);
    await sql('CREATE TABLE IF NOT EXISTS test_attempts (n INT NOT NULL) ENGINE = Aria');
  });
  afterEach(async () => {
    await sql('DROP TRIGGER IF EXISTS test_fail_customer');
    await sql('DELETE FROM test_attempts');
  });
  afterAll(async () => {
    await sql('DROP TABLE IF EXISTS test_attempts');
    await test.close();
  });

  it('retries a chunk that meets deadlocks, and changes and announces it once', async () => {
    const ids = await seedCustomers(test, 12, 1, 2);
    await sql('INSERT INTO test_attempts (n) VALUES (0)');
    // The first two attempts at the customer in the middle chunk die in a deadlock.
    await sql(
      `CREATE TRIGGER test_fail_customer BEFORE UPDATE ON customer FOR EACH ROW BEGIN
         IF NEW.id = ${ids[6]} AND NEW.status <> OLD.status THEN
           UPDATE test_attempts SET n = n + 1;
           IF (SELECT n FROM test_attempts) <= 2 THEN
             SIGNAL SQLSTATE '40001' SET MYSQL_ERRNO = 1213, MESSAGE_TEXT = 'Deadlock found when trying to get lock (test)';
           END IF;
         END IF;
       END`,
    );
    const job = await waitForJob(test, admin, await postBulk(test, admin, 'suspend', ids));
    expect(job).toMatchObject({ state: 'completed', succeeded: 12, failed: 0 });
    expect(job.results.every((r) => r.outcome === 'suspended')).toBe(true);
    const [{ n }] = (await sql('SELECT n FROM test_attempts')) as Array<{ n: number }>;
    expect(Number(n)).toBe(3);
    expect((await cascadeState(test, ids)).inconsistent).toEqual([]);
    const counts = await eventCounts(test, job.id);
    expect(counts.filter((row) => row.type === 'customer.suspended')).toHaveLength(12);
    expect(counts.every((row) => Number(row.n) === 1)).toBe(true);
  });

  it('reports the ids of a chunk that keeps failing as failed with the message, and finishes the other chunks', async () => {
    const ids = await seedCustomers(test, 15, 1, 2);
    await sql(
      `CREATE TRIGGER test_fail_customer BEFORE UPDATE ON customer FOR EACH ROW BEGIN
         IF NEW.id = ${ids[7]} THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'storage quota exceeded (test)'; END IF;
       END`,
    );
    const job = await waitForJob(test, admin, await postBulk(test, admin, 'suspend', ids));
    const failedChunk = ids.slice(5, 10);
    expect(job).toMatchObject({ state: 'completed', processed: 15, succeeded: 10, failed: 5 });
    for (const result of job.results) {
      if (failedChunk.includes(result.id)) {
        expect(result.outcome).toBe('failed');
        expect(result.error).toMatch(/storage quota exceeded/);
      } else {
        expect(result).toEqual({ id: result.id, outcome: 'suspended' });
      }
    }
    // The failed chunk was rolled back whole: untouched, and not announced.
    const state = await cascadeState(test, ids);
    expect(state.inconsistent).toEqual([]);
    expect(failedChunk.map((id) => state.statuses.get(id))).toEqual(Array(5).fill('active'));
    const announced = (await eventCounts(test, job.id))
      .filter((row) => row.type === 'customer.suspended')
      .map((row) => Number(row.object_id));
    expect(announced.sort((a, b) => a - b)).toEqual(ids.filter((id) => !failedChunk.includes(id)));
  });
});
