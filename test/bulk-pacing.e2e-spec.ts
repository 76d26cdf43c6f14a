import { bearer, loginAdmin, startTestApp, TestApp } from './support/app';
import { postBulk, seedCustomers, waitForJob } from './support/bulk-jobs';
import { freePort, scrape, valueOf } from './support/prometheus';
import { WebhookReceiver } from './support/webhook-receiver';

const PACED = 'clientele_bulk_paced_seconds_total';

/** Subscribes `target` to every event; returns the endpoint's id. */
async function subscribe(test: TestApp, token: string, target: WebhookReceiver): Promise<number> {
  const response = await test
    .http()
    .post('/api/v1/webhooks')
    .set(bearer(token))
    .send({ url: target.url(), events: ['*'] })
    .expect(201);
  return (response.body as { id: number }).id;
}

/**
 * A bulk job paces itself by the webhook backlog (BULK_PACE_BACKLOG): before a chunk it waits while
 * the earlier chunks' deliveries drain, and it does not wait for a consumer that is not taking them.
 * One chunk per customer and a limit of 1 delivery, so every chunk after the first meets a backlog.
 */
describe('bulk jobs paced by the webhook backlog', () => {
  let test: TestApp;
  let token: string;
  let metricsPort: number;
  const receiver = { current: undefined as WebhookReceiver | undefined };

  beforeAll(async () => {
    metricsPort = await freePort();
    test = await startTestApp({
      PROCESS_ROLE: 'all',
      BULK_CHUNK_SIZE: '1',
      BULK_PACE_BACKLOG: '1',
      METRICS_PORT: String(metricsPort),
    });
    token = await loginAdmin(test);
  });

  afterEach(async () => {
    await receiver.current?.close();
  });

  afterAll(async () => {
    await test?.close();
  });

  const paced = async () => valueOf(await scrape(metricsPort), PACED) ?? 0;

  const endpointAt = (target: WebhookReceiver) => subscribe(test, token, target);

  it('waits before a chunk while the deliveries of the earlier ones drain, and delivers all', async () => {
    const target = (receiver.current = await WebhookReceiver.start());
    // A consumer that takes 25 ms per request: a customer's 7 events take about 175 ms in order.
    target.on('/hook', () => ({ status: 204, delayMs: 25 }));
    const endpointId = await endpointAt(target);
    const ids = await seedCustomers(test, 4, 1, 5);
    const before = await paced();

    const jobId = await postBulk(test, token, 'suspend', ids);
    expect(await waitForJob(test, token, jobId)).toMatchObject({
      state: 'completed',
      succeeded: 4,
    });
    // 4 customers x (customer, subscription, 5 domains) and the job's job.completed.
    const received = await target.waitFor(
      (all) => new Set(all.map((d) => d.headers['webhook-id'])).size >= 29,
    );
    expect(received.filter((d) => d.message.type === 'customer.suspended')).toHaveLength(4);
    expect(await paced()).toBeGreaterThan(before);

    await test.http().delete(`/api/v1/webhooks/${endpointId}`).set(bearer(token)).expect(204);
  });

  it('does not wait for a consumer that takes nothing: a failing endpoint costs a chunk one look', async () => {
    const target = (receiver.current = await WebhookReceiver.start());
    target.on('/hook', () => ({ status: 503 }));
    const endpointId = await endpointAt(target);
    const ids = await seedCustomers(test, 5, 1, 5);
    const before = await paced();

    const jobId = await postBulk(test, token, 'suspend', ids);
    expect(await waitForJob(test, token, jobId)).toMatchObject({
      state: 'completed',
      succeeded: 5,
    });
    await target.waitFor((all) => all.some((d) => d.message.type === 'job.completed'));
    // Waiting out the bound would be 5 s per chunk; a backlog that does not shrink ends the wait
    // after one 100 ms look. 1 s per chunk leaves room for a loaded machine.
    expect((await paced()) - before).toBeLessThan(ids.length * 1.0);

    await test.http().delete(`/api/v1/webhooks/${endpointId}`).set(bearer(token)).expect(204);
  });
});

/**
 * While an endpoint is enabled, a chunk takes BULK_PACED_CHUNK_SIZE customers, so fewer events are
 * committed at once. A chunk writes its customers' events type by type, so the runs of
 * `customer.suspended` in the outbox are its chunks.
 */
describe('bulk chunks while an endpoint listens', () => {
  let test: TestApp;
  let token: string;

  beforeAll(async () => {
    test = await startTestApp({
      PROCESS_ROLE: 'all',
      BULK_CHUNK_SIZE: '4',
      BULK_PACED_CHUNK_SIZE: '2',
      BULK_PACE_BACKLOG: '1000000',
    });
    token = await loginAdmin(test);
  });

  afterAll(async () => {
    await test?.close();
  });

  /** The lengths of the runs of `type` in the outbox, among the events of `type` and `other`. */
  async function runsOf(type: string, other: string): Promise<number[]> {
    const rows = await test
      .em()
      .getConnection()
      .execute<Array<{ type: string }>>(
        'SELECT type FROM outbox_event WHERE type IN (?, ?) ORDER BY id',
        [type, other],
      );
    const runs: number[] = [];
    let previous = '';
    for (const row of rows) {
      if (row.type === type && previous === type) runs[runs.length - 1] += 1;
      else if (row.type === type) runs.push(1);
      previous = row.type;
    }
    return runs;
  }

  it('are BULK_PACED_CHUNK_SIZE customers, and BULK_CHUNK_SIZE with no endpoint enabled', async () => {
    const receiver = await WebhookReceiver.start();
    try {
      receiver.on('/hook', () => ({ status: 204 }));
      const endpointId = await subscribe(test, token, receiver);
      const ids = await seedCustomers(test, 8, 1, 1);
      const suspend = await postBulk(test, token, 'suspend', ids);
      expect(await waitForJob(test, token, suspend)).toMatchObject({ succeeded: 8 });
      expect(await runsOf('customer.suspended', 'subscription.suspended')).toEqual([2, 2, 2, 2]);

      await test
        .http()
        .patch(`/api/v1/webhooks/${endpointId}`)
        .set(bearer(token))
        .send({ enabled: false })
        .expect(200);
      const activate = await postBulk(test, token, 'activate', ids);
      expect(await waitForJob(test, token, activate)).toMatchObject({ succeeded: 8 });
      expect(await runsOf('customer.activated', 'subscription.activated')).toEqual([4, 4]);
    } finally {
      await receiver.close();
    }
  });
});
