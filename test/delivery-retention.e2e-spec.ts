import { Deliveries } from '../src/webhooks/delivery/deliveries';
import { DeliverySweep } from '../src/webhooks/delivery/relay';
import { bearer, loginAdmin, startTestApp, TestApp } from './support/app';

const OLD_SUCCEEDED = 2_500;

/**
 * Retention (RETENTION_DAYS, 30 here): the maintenance job deletes succeeded deliveries, their
 * attempts and relayed events older than that, in steps of at most 1,000 rows; recent rows, and
 * failed and paused deliveries with their attempts and events, stay.
 */
describe('delivery retention', () => {
  let test: TestApp;

  beforeAll(async () => {
    test = await startTestApp({ PROCESS_ROLE: 'all', RETENTION_DAYS: '30' });
  });
  afterAll(async () => {
    await test.close();
  });

  it('deletes old succeeded deliveries, their attempts and relayed events, and keeps recent, failed and paused ones', async () => {
    const token = await loginAdmin(test);
    const hook = (
      await test
        .http()
        .post('/api/v1/webhooks')
        .set(bearer(token))
        .send({ url: 'http://127.0.0.1:9/none', events: ['job.completed'], enabled: false })
        .expect(201)
    ).body as { id: number };
    const connection = test.em().getConnection();
    const run = (sql: string, params: unknown[] = []) => connection.execute(sql, params);
    const ago = (days: number) => `UTC_TIMESTAMP(3) - INTERVAL ${days} DAY`;
    // Events 1,000,001 on: old and relayed, except the last (recent).
    await run(
      `INSERT INTO outbox_event (id, type, object_type, object_id, actor, payload, created_at, dispatched_at)
       SELECT 1000000 + seq, 'customer.updated', 'customer', 1, 'system', '{}', ${ago(40)}, ${ago(40)}
         FROM seq_1_to_${OLD_SUCCEEDED + 4}`,
    );
    await run(`UPDATE outbox_event SET created_at = ${ago(1)} WHERE id = ?`, [
      1000000 + OLD_SUCCEEDED + 4,
    ]);
    const delivery = (eventId: number, state: string, updated: string) =>
      `(${eventId}, ${hook.id}, '${state}', 1, ${ago(40)}, ${updated})`;
    const rows = [
      ...Array.from({ length: OLD_SUCCEEDED }, (_, i) =>
        delivery(1000001 + i, 'succeeded', ago(40)),
      ),
      delivery(1000001 + OLD_SUCCEEDED, 'failed', ago(40)),
      delivery(1000002 + OLD_SUCCEEDED, 'paused', ago(40)),
      delivery(1000003 + OLD_SUCCEEDED, 'succeeded', ago(2)),
    ];
    await run(
      `INSERT INTO event_delivery (event_id, endpoint_id, state, attempts, created_at, updated_at) VALUES ${rows.join(', ')}`,
    );
    const attempt = (eventId: number, succeeded: number, created: string) =>
      `(${hook.id}, ${eventId}, 'customer.updated', 1, ${succeeded}, 10, ${created})`;
    await run(
      `INSERT INTO delivery_attempt (endpoint_id, event_id, event_type, attempt, succeeded, duration_ms, created_at) VALUES ${[
        attempt(1000001, 1, ago(40)),
        attempt(1000002, 1, ago(40)),
        attempt(1000001 + OLD_SUCCEEDED, 0, ago(40)),
        attempt(1000003 + OLD_SUCCEEDED, 1, ago(2)),
      ].join(', ')}`,
    );
    const left = async (sql: string) =>
      (await connection.execute<Array<{ id: string | number }>>(sql)).map((r) => Number(r.id));

    const deleted = await test.app.get(DeliverySweep).prune();
    expect(deleted).toBe(OLD_SUCCEEDED + 2 + OLD_SUCCEEDED);
    expect(
      await left(
        `SELECT event_id AS id FROM event_delivery WHERE endpoint_id = ${hook.id} ORDER BY event_id`,
      ),
    ).toEqual([1000001 + OLD_SUCCEEDED, 1000002 + OLD_SUCCEEDED, 1000003 + OLD_SUCCEEDED]);
    expect(
      await left(
        `SELECT event_id AS id FROM delivery_attempt WHERE endpoint_id = ${hook.id} ORDER BY event_id`,
      ),
    ).toEqual([1000001 + OLD_SUCCEEDED, 1000003 + OLD_SUCCEEDED]);
    expect(await left('SELECT id FROM outbox_event WHERE id > 1000000 ORDER BY id')).toEqual([
      1000001 + OLD_SUCCEEDED,
      1000002 + OLD_SUCCEEDED,
      1000003 + OLD_SUCCEEDED,
      1000004 + OLD_SUCCEEDED,
    ]);
    // Nothing more to do: a second run deletes nothing.
    expect(await test.app.get(Deliveries).prune(30)).toBe(0);
  });
});
