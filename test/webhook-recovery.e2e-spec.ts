import { Webhook } from 'standardwebhooks';
import { toSqlDate } from '../src/common/sql-dates';
import { bearer, loginAdmin, startTestApp, TestApp } from './support/app';
import { eventually } from './support/eventually';
import { createCustomer } from './support/factories';
import { ReceivedDelivery, WebhookReceiver } from './support/webhook-receiver';

interface Attempt {
  eventId: number;
  attempt: number;
  succeeded: boolean;
  state: string | null;
}

const idOf = (d: ReceivedDelivery) => d.headers['webhook-id'];

/** Delivery state in MySQL: failing for good, the state filter, resend and recover. */
describe('webhook delivery state, resend and recover', () => {
  let test: TestApp;
  let token: string;
  let receiver: WebhookReceiver;
  let hook: { id: number; secret: string };
  /** While true, /rec answers 500. */
  let down = true;

  const attempts = async (query = ''): Promise<Attempt[]> =>
    (
      await test
        .http()
        .get(`/api/v1/webhooks/${hook.id}/deliveries${query}`)
        .set(bearer(token))
        .expect(200)
    ).body.items as Attempt[];

  /** Creates a customer and returns its `customer.created` event id. */
  const newEvent = async (): Promise<string> => {
    const customer = await createCustomer(test, token);
    const [row] = await test
      .em()
      .getConnection()
      .execute<Array<{ id: string | number }>>(
        "SELECT id FROM outbox_event WHERE type = 'customer.created' AND object_id = ?",
        [customer.id],
      );
    return String(row.id);
  };
  const arrived = (eventId: string) =>
    receiver.deliveries('/rec').filter((d) => idOf(d) === eventId);

  beforeAll(async () => {
    test = await startTestApp({
      PROCESS_ROLE: 'all',
      WEBHOOK_RETRY_SCHEDULE_MS: '200,400',
      RELAY_SWEEP_INTERVAL_MS: '500',
      WEBHOOK_CONCURRENCY: '4',
    });
    token = await loginAdmin(test);
    receiver = await WebhookReceiver.start();
    receiver.on('/rec', () => ({ status: down ? 500 : 204 }));
    hook = (
      await test
        .http()
        .post('/api/v1/webhooks')
        .set(bearer(token))
        .send({ url: receiver.url('/rec'), events: ['customer.created'] })
        .expect(201)
    ).body;
  });
  afterAll(async () => {
    await test?.close();
    await receiver?.close();
  });

  let failedEvent: string;
  let succeededEvent: string;
  let windowStart: Date;

  it('marks a delivery failed only once its retry schedule is used up, and filters attempts by state', async () => {
    windowStart = new Date(Date.now() - 1000);
    failedEvent = await newEvent();
    // Three attempts (the first and two retries), then failed.
    const failedAttempts = async () =>
      (await attempts('?state=failed')).filter((a) => String(a.eventId) === failedEvent).length;
    expect(await eventually(failedAttempts, 3, 15_000)).toBe(3);
    expect(arrived(failedEvent)).toHaveLength(3);

    down = false;
    succeededEvent = await newEvent();
    await receiver.waitFor(() => arrived(succeededEvent).length === 1);
    const succeeded = async () =>
      (await attempts('?state=succeeded')).some((a) => String(a.eventId) === succeededEvent);
    expect(await eventually(succeeded, true)).toBe(true);

    const failed = await attempts('?state=failed');
    expect(failed.map((a) => [String(a.eventId), a.attempt, a.succeeded, a.state])).toEqual([
      [failedEvent, 3, false, 'failed'],
      [failedEvent, 2, false, 'failed'],
      [failedEvent, 1, false, 'failed'],
    ]);
    expect(await attempts('?state=pending')).toEqual([]);
    const all = await attempts();
    expect(all.map((a) => a.state)).toEqual(['succeeded', 'failed', 'failed', 'failed']);

    const bad = await test
      .http()
      .get(`/api/v1/webhooks/${hook.id}/deliveries?state=lost`)
      .set(bearer(token))
      .expect(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
  });

  it('recovers the failed events of a window, and does not send those that succeeded again', async () => {
    const response = await test
      .http()
      .post(`/api/v1/webhooks/${hook.id}/recover`)
      .set(bearer(token))
      .send({ since: windowStart.toISOString() })
      .expect(202);
    expect(response.body).toEqual({ queued: 1 });
    await receiver.waitFor(() => arrived(failedEvent).length === 4);
    const again = arrived(failedEvent)[3];
    expect(again.body).toBe(arrived(failedEvent)[0].body);
    new Webhook(hook.secret).verify(again.body, again.headers);
    const succeededNow = async () =>
      (await attempts('?state=succeeded')).filter((a) => String(a.eventId) === failedEvent)
        .length === 4;
    expect(await eventually(succeededNow, true)).toBe(true);

    // A later event arrives; the one that had succeeded did not come again before it.
    const marker = await newEvent();
    await receiver.waitFor(() => arrived(marker).length === 1);
    expect(arrived(succeededEvent)).toHaveLength(1);

    // A window with nothing failed in it recovers nothing.
    const empty = await test
      .http()
      .post(`/api/v1/webhooks/${hook.id}/recover`)
      .set(bearer(token))
      .send({
        since: new Date(Date.now() - 86_400_000).toISOString(),
        until: windowStart.toISOString(),
      })
      .expect(202);
    expect(empty.body).toEqual({ queued: 0 });
  });

  it('resends events with the same webhook-id and body, whatever became of them', async () => {
    const before = arrived(succeededEvent).length;
    await test
      .http()
      .post(`/api/v1/webhooks/${hook.id}/resend`)
      .set(bearer(token))
      .send({ eventIds: [Number(succeededEvent)] })
      .expect(202)
      .expect((response) => expect(response.body).toEqual({ queued: 1 }));
    await receiver.waitFor(() => arrived(succeededEvent).length === before + 1);
    const [first, resent] = [arrived(succeededEvent)[0], arrived(succeededEvent)[before]];
    expect(resent.body).toBe(first.body);
    new Webhook(hook.secret).verify(resent.body, resent.headers);
    // The attempt is logged right after the answer (its success is marked first).
    const logged = async () => (await attempts())[0]?.eventId === Number(succeededEvent);
    expect(await eventually(logged, true)).toBe(true);
    const log = await attempts();
    expect(log[0]).toMatchObject({
      eventId: Number(succeededEvent),
      attempt: 1,
      state: 'succeeded',
    });
  });

  it('refuses bad input with problem details and changes nothing', async () => {
    const post = (path: string, body: unknown) =>
      test
        .http()
        .post(`/api/v1/webhooks/${path}`)
        .set(bearer(token))
        .send(body as object);
    await post(`${hook.id}/resend`, { eventIds: [] }).expect(400);
    await post(`${hook.id}/resend`, { eventIds: ['x'] }).expect(400);
    await post(`${hook.id}/resend`, { eventIds: [1, 1] }).expect(400);
    await post(`${hook.id}/resend`, { eventIds: [1], extra: true }).expect(400);
    const unknown = await post(`${hook.id}/resend`, { eventIds: [987654321] }).expect(404);
    expect(unknown.headers['content-type']).toContain('application/problem+json');
    await post('999999/resend', { eventIds: [Number(succeededEvent)] }).expect(404);
    await post('abc/resend', { eventIds: [1] }).expect(400);
    await post(`${hook.id}/recover`, {}).expect(400);
    await post(`${hook.id}/recover`, { since: 'yesterday' }).expect(400);
    await post(`${hook.id}/recover`, { since: '2026-13-45T00:00:00Z' }).expect(400);
    await post(`${hook.id}/recover`, { since: '2024-02-30T00:00:00Z' }).expect(400);
    await post(`${hook.id}/recover`, {
      since: '2024-02-01T00:00:00Z',
      until: '2024-02-30T00:00:00Z',
    }).expect(400);
    const backwards = await post(`${hook.id}/recover`, {
      since: '2026-11-02T00:00:00Z',
      until: '2026-11-01T00:00:00Z',
    }).expect(400);
    expect(backwards.body.errors).toEqual([
      { field: 'until', code: 'too_small', message: 'until must be later than since' },
    ]);
    await post('999999/recover', { since: '2026-11-01T00:00:00Z' }).expect(404);

    const customer = await createCustomer(test, token);
    const login = await test
      .http()
      .post('/api/v1/auth/login')
      .send({ username: customer.username, password: customer.password })
      .expect(200);
    await test
      .http()
      .post(`/api/v1/webhooks/${hook.id}/recover`)
      .set(bearer(login.body.accessToken))
      .send({ since: '2026-11-01T00:00:00Z' })
      .expect(403);
  });

  it('sends a delivery again whose worker died holding it, and one whose wake-up job is gone', async () => {
    const connection = test.em().getConnection();
    const now = Date.now();
    const orphan = async (eventId: string, _job: string, dueInMs: number) =>
      connection.execute(
        `UPDATE event_delivery SET state = 'pending', next_attempt_at = ? WHERE event_id = ? AND endpoint_id = ?`,
        [toSqlDate(new Date(now + dueInMs)), eventId, hook.id],
      );
    const [held, vanished] = [await newEvent(), await newEvent()];
    const bothSucceeded = async () =>
      Number(
        (
          await connection.execute<Array<{ n: number }>>(
            `SELECT COUNT(*) AS n FROM event_delivery WHERE state = 'succeeded' AND endpoint_id = ? AND event_id IN (?, ?)`,
            [hook.id, held, vanished],
          )
        )[0].n,
      );
    expect(await eventually(bothSucceeded, 2)).toBe(2);
    // As a killed worker leaves them: taken under a lease that runs out in a second, or queued
    // under a job that Redis no longer has.
    await orphan(held, 'killed-worker-job', 1000);
    await orphan(vanished, 'vanished-job', 0);
    await receiver.waitFor(
      () => arrived(held).length === 2 && arrived(vanished).length === 2,
      10_000,
    );
    expect(arrived(held)[1].receivedAt - now).toBeGreaterThanOrEqual(1000);
  });
});
