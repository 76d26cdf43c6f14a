import { APPLY_EXPIRY, RECOVER_BULK_JOBS } from '../src/queues';
import { loginAdmin, startTestApp, TestApp } from './support/app';
import { seedCustomers, waitForJob } from './support/bulk-jobs';
import { eventually } from './support/eventually';
import { maintenanceQueue, runMaintenance } from './support/maintenance';

const DAY_MS = '86400000';

describe('subscription expiry and bulk job recovery', () => {
  let test: TestApp;

  beforeAll(async () => {
    // The tests run expiry themselves and count what that run did: the schedule must not run it in
    // between (a scheduled run that expired their subscription first would leave theirs nothing to
    // do). BullMQ aligns `every` to its multiples, so a day's interval runs only at midnight UTC.
    test = await startTestApp({ PROCESS_ROLE: 'all', SUBSCRIPTION_EXPIRY_INTERVAL_MS: DAY_MS });
  });
  afterAll(() => test.close());

  const sql = <T>(statement: string, params: unknown[] = []) =>
    test.em().getConnection().execute(statement, params) as Promise<T>;
  const subscriptionsOf = (customerId: number) =>
    sql<Array<{ id: number; status: string; suspended_reasons: number }>>(
      'SELECT id, status, suspended_reasons FROM subscription WHERE customer_id = ? ORDER BY id',
      [customerId],
    );
  const domainsOf = (subscriptionId: number) =>
    sql<Array<{ status: string; suspended_reasons: number }>>(
      'SELECT status, suspended_reasons FROM domain WHERE subscription_id = ? ORDER BY id',
      [subscriptionId],
    );

  it('runs expiry every SUBSCRIPTION_EXPIRY_INTERVAL_MS', async () => {
    const worker = await startTestApp(
      { PROCESS_ROLE: 'worker', SUBSCRIPTION_EXPIRY_INTERVAL_MS: '1500' },
      { reset: false },
    );
    try {
      const queue = maintenanceQueue(test);
      const expiry = (await queue.getJobSchedulers()).find((s) => s.key === APPLY_EXPIRY);
      expect(Number(expiry?.every)).toBe(1500);
      // The schedule itself runs the job: a subscription that has expired gets suspended without any call.
      const [customer] = await seedCustomers(test, 1, 1, 1);
      await sql(
        'UPDATE subscription SET expires_at = UTC_TIMESTAMP(3) - INTERVAL 1 SECOND WHERE customer_id = ?',
        [customer],
      );
      const deadline = Date.now() + 10_000;
      while ((await subscriptionsOf(customer))[0].status !== 'suspended') {
        if (Date.now() > deadline) throw new Error('the scheduled expiry did not run within 10 s');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      await worker.close();
      // Back to the interval of this file's application, and no scheduled run left waiting.
      const queue = maintenanceQueue(test);
      await queue.upsertJobScheduler(
        APPLY_EXPIRY,
        { every: Number(DAY_MS) },
        { name: APPLY_EXPIRY },
      );
      // The next run (tomorrow) stays delayed; none may be waiting or running, or due soon.
      const scheduledRunsLeft = async () =>
        (await queue.getJobs(['active', 'waiting', 'delayed', 'prioritized'])).filter(
          (job) =>
            job.name === APPLY_EXPIRY && job.timestamp + (job.delay ?? 0) < Date.now() + 60_000,
        ).length;
      expect(await eventually(scheduledRunsLeft, 0, 20_000)).toBe(0);
    }
  });

  it('suspends a subscription with its domains once expiresAt has passed, and lifts it when expiresAt moves into the future', async () => {
    const [customer, other] = await seedCustomers(test, 2, 2, 3);
    const [expiring, untouched] = await subscriptionsOf(customer);
    await sql(
      'UPDATE subscription SET expires_at = UTC_TIMESTAMP(3) - INTERVAL 1 MINUTE WHERE id = ?',
      [expiring.id],
    );
    await sql(
      'UPDATE subscription SET expires_at = UTC_TIMESTAMP(3) + INTERVAL 1 DAY WHERE id = ?',
      [untouched.id],
    );

    expect(await runMaintenance(test, APPLY_EXPIRY)).toEqual({ expired: 1, renewed: 0 });
    const [expired, stillActive] = await subscriptionsOf(customer);
    expect(expired).toMatchObject({ status: 'suspended', suspended_reasons: 8 });
    expect(stillActive).toMatchObject({ status: 'active', suspended_reasons: 0 });
    expect(await domainsOf(expiring.id)).toEqual(
      Array(3).fill({ status: 'suspended', suspended_reasons: 4 }),
    );
    expect((await domainsOf(untouched.id)).every((d) => d.status === 'active')).toBe(true);
    expect((await subscriptionsOf(other)).every((s) => s.status === 'active')).toBe(true);
    const events = await sql<Array<{ type: string; actor: string }>>(
      'SELECT type, actor FROM outbox_event WHERE customer_id = ? ORDER BY id',
      [customer],
    );
    expect(events).toEqual([
      { type: 'subscription.suspended', actor: 'system' },
      ...Array(3).fill({ type: 'domain.suspended', actor: 'system' }),
    ]);

    // A second run finds nothing to do and announces nothing.
    expect(await runMaintenance(test, APPLY_EXPIRY)).toEqual({ expired: 0, renewed: 0 });

    await sql(
      'UPDATE subscription SET expires_at = UTC_TIMESTAMP(3) + INTERVAL 30 DAY WHERE id = ?',
      [expiring.id],
    );
    expect(await runMaintenance(test, APPLY_EXPIRY)).toEqual({ expired: 0, renewed: 1 });
    expect((await subscriptionsOf(customer))[0]).toMatchObject({
      status: 'active',
      suspended_reasons: 0,
    });
    expect(await domainsOf(expiring.id)).toEqual(
      Array(3).fill({ status: 'active', suspended_reasons: 0 }),
    );
  });

  it('keeps other reasons when it applies and lifts expired, and lifts it when expiresAt is cleared', async () => {
    const admin = await loginAdmin(test);
    const [customer] = await seedCustomers(test, 1, 2, 2);
    const [byAdmin, plain] = await subscriptionsOf(customer);
    await test
      .http()
      .post(`/api/v1/subscriptions/${byAdmin.id}/suspend`)
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
    await sql(
      'UPDATE subscription SET expires_at = UTC_TIMESTAMP(3) - INTERVAL 1 SECOND WHERE customer_id = ?',
      [customer],
    );
    const before = await sql<Array<{ n: number }>>(
      'SELECT COUNT(*) AS n FROM outbox_event WHERE customer_id = ?',
      [customer],
    );

    expect(await runMaintenance(test, APPLY_EXPIRY)).toEqual({ expired: 2, renewed: 0 });
    expect(await subscriptionsOf(customer)).toEqual([
      { id: byAdmin.id, status: 'suspended', suspended_reasons: 1 | 8 },
      { id: plain.id, status: 'suspended', suspended_reasons: 8 },
    ]);
    // Only the subscription whose status changed is announced (with its two domains).
    const announced = await sql<Array<{ type: string; object_id: number }>>(
      'SELECT type, object_id FROM outbox_event WHERE customer_id = ? ORDER BY id LIMIT 100 OFFSET ?',
      [customer, Number(before[0].n)],
    );
    expect(announced.map((event) => event.type)).toEqual([
      'subscription.suspended',
      'domain.suspended',
      'domain.suspended',
    ]);
    expect(Number(announced[0].object_id)).toBe(plain.id);

    await sql('UPDATE subscription SET expires_at = NULL WHERE customer_id = ?', [customer]);
    expect(await runMaintenance(test, APPLY_EXPIRY)).toEqual({ expired: 0, renewed: 2 });
    expect(await subscriptionsOf(customer)).toEqual([
      { id: byAdmin.id, status: 'suspended', suspended_reasons: 1 },
      { id: plain.id, status: 'active', suspended_reasons: 0 },
    ]);
    expect(await domainsOf(byAdmin.id)).toEqual(
      Array(2).fill({ status: 'suspended', suspended_reasons: 4 }),
    );
    expect(await domainsOf(plain.id)).toEqual(
      Array(2).fill({ status: 'active', suspended_reasons: 0 }),
    );
    expect(await runMaintenance(test, APPLY_EXPIRY)).toEqual({ expired: 0, renewed: 0 });
  });

  it('submits bulk jobs that never reached the queue or lost their queue entry, and they finish', async () => {
    const admin = await loginAdmin(test);
    const [first, second, third] = await seedCustomers(test, 3, 1, 1);
    // As if Redis had been down when the API recorded the first job, and had lost the entry of
    // the second after its first chunk (the third customer) committed.
    await sql(
      `INSERT INTO bulk_job (action, state, actor, customer_ids, total, first_id, last_id, position, processed, succeeded, failed, created_at, started_at)
       VALUES ('suspend', 'queued', 'admin:1', ?, 1, ?, ?, 0, 0, 0, 0, UTC_TIMESTAMP(3) - INTERVAL 2 MINUTE, NULL),
              ('remove', 'running', 'admin:1', ?, 2, ?, ?, 0, 0, 0, 0, UTC_TIMESTAMP(3) - INTERVAL 2 MINUTE, UTC_TIMESTAMP(3) - INTERVAL 2 MINUTE)`,
      [JSON.stringify([first]), first, first, JSON.stringify([second, third]), second, third],
    );
    const [{ id }] = await sql<Array<{ id: number }>>('SELECT MAX(id) AS id FROM bulk_job');
    const [queuedId, runningId] = [Number(id) - 1, Number(id)];
    await sql(
      `INSERT INTO bulk_job_result (job_id, customer_id, outcome) VALUES (?, ?, 'removed')`,
      [runningId, third],
    );
    await sql('UPDATE bulk_job SET processed = 1, succeeded = 1 WHERE id = ?', [runningId]);

    expect(await runMaintenance(test, RECOVER_BULK_JOBS)).toEqual({ requeued: 2, failed: 0 });
    expect((await waitForJob(test, admin, queuedId)).results).toEqual([
      { id: first, outcome: 'suspended' },
    ]);
    const resumed = await waitForJob(test, admin, runningId);
    expect(resumed).toMatchObject({ state: 'completed', processed: 2, succeeded: 2 });
    expect(resumed.results).toEqual([
      { id: second, outcome: 'removed' },
      { id: third, outcome: 'removed' },
    ]);
    // Recovery leaves jobs that are fine alone.
    expect(await runMaintenance(test, RECOVER_BULK_JOBS)).toEqual({ requeued: 0, failed: 0 });
  });
});
