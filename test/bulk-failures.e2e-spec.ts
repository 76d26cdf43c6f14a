import { Writable } from 'node:stream';
import { Logger } from 'nestjs-pino';
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
  /** The app's log records (JSON lines), as an operator's log search sees them. */
  const logs: Array<Record<string, unknown>> = [];
  const sql = (statement: string, params: unknown[] = []) =>
    test.em().getConnection().execute(statement, params);

  beforeAll(async () => {
    const logStream = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        logs.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    test = await startTestApp(
      { PROCESS_ROLE: 'all', BULK_CHUNK_SIZE: '5', LOG_LEVEL: 'warn' },
      { logStream },
    );
    // As main.ts does: Nest's loggers write through pino.
    test.app.useLogger(test.app.get(Logger));
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

  it("reports the ids of a chunk that keeps failing as failed with the driver's full error, logs it, and finishes the other chunks", async () => {
    const ids = await seedCustomers(test, 15, 1, 2);
    // A real server error in the middle chunk: MariaDB's SIGNAL with its own error number.
    await sql(
      `CREATE TRIGGER test_fail_customer BEFORE UPDATE ON customer FOR EACH ROW BEGIN
         IF NEW.id = ${ids[7]} THEN SIGNAL SQLSTATE '45000' SET MYSQL_ERRNO = 1644, MESSAGE_TEXT = 'storage quota exceeded (test)'; END IF;
       END`,
    );
    const job = await waitForJob(test, admin, await postBulk(test, admin, 'suspend', ids));
    const failedChunk = ids.slice(5, 10);
    expect(job).toMatchObject({ state: 'completed', processed: 15, succeeded: 10, failed: 5 });
    const cause = {
      code: 'ER_SIGNAL_EXCEPTION',
      errno: 1644,
      sqlState: '45000',
      message: 'storage quota exceeded (test)',
    };
    for (const result of job.results) {
      if (failedChunk.includes(result.id))
        // The server's message itself, not MikroORM's that starts with the statement.
        expect(result).toEqual({
          id: result.id,
          outcome: 'failed',
          error: 'storage quota exceeded (test)',
          cause,
        });
      else expect(result).toEqual({ id: result.id, outcome: 'suspended' });
    }
    const logged = logs.find((record) => {
      const msg = String(record.msg ?? '');
      return msg.includes(`bulk job ${job.id}: chunk ${failedChunk[0]}..${failedChunk[4]} failed`);
    });
    expect(logged).toMatchObject({
      level: 40,
      bulkJobId: job.id,
      chunk: { first: failedChunk[0], last: failedChunk[4], size: 5 },
      attempts: 1,
      cause,
    });
    expect(String(logged?.msg)).toContain(
      'ER_SIGNAL_EXCEPTION (errno 1644, SQLSTATE 45000): storage quota exceeded (test)',
    );
    // The failed chunk was rolled back whole: untouched, and not announced.
    const state = await cascadeState(test, ids);
    expect(state.inconsistent).toEqual([]);
    expect(failedChunk.map((id) => state.statuses.get(id))).toEqual(Array(5).fill('active'));
    const announced = (await eventCounts(test, job.id))
      .filter((row) => row.type === 'customer.suspended')
      .map((row) => Number(row.object_id));
    expect(announced.sort((a, b) => a - b)).toEqual(ids.filter((id) => !failedChunk.includes(id)));
  });

  it("records a constraint violation's code, errno, SQLSTATE and message as the driver reports them", async () => {
    const ids = await seedCustomers(test, 3, 1, 1);
    const [{ username }] = (await sql('SELECT username FROM customer WHERE id = ?', [
      ids[1],
    ])) as Array<{ username: string }>;
    // A check that the suspension breaks: MariaDB refuses the UPDATE with its own error.
    await sql(
      `ALTER TABLE customer ADD CONSTRAINT test_never_suspended CHECK (status <> 'suspended' OR username <> '${username}')`,
    );
    try {
      const job = await waitForJob(test, admin, await postBulk(test, admin, 'suspend', ids));
      expect(job).toMatchObject({ state: 'completed', failed: 3 });
      for (const result of job.results)
        // mysql2 names error numbers from MySQL's table, where 4025 is another error than MariaDB's
        // ER_CONSTRAINT_FAILED: the code is recorded as the driver says, the errno tells for sure.
        expect(result).toMatchObject({
          outcome: 'failed',
          cause: { code: 'ER_INNODB_AUTOEXTEND_SIZE_OUT_OF_RANGE', errno: 4025, sqlState: '23000' },
        });
      expect(job.results[0].cause?.message).toMatch(/CONSTRAINT `test_never_suspended` failed/);
      expect(job.results[0].error).toBe(job.results[0].cause?.message);
    } finally {
      await sql('ALTER TABLE customer DROP CONSTRAINT test_never_suspended');
    }
  });
});
