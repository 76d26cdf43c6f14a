import { AddressInfo, createServer } from 'node:net';
import { bearer, loginAdmin, startTestApp, TestApp } from './support/app';
import { eventually } from './support/browser';
import { postBulk, seedCustomers, waitForJob } from './support/bulk-jobs';
import { testConfig } from './support/database';
import { createCustomer } from './support/factories';
import { freePort, scrape, valueOf } from './support/prometheus';
import { WebhookReceiver } from './support/webhook-receiver';
import { killAllWorkers, startWorkerProcess } from './support/worker-process';
import { metricsRegistry } from '../src/metrics/registry';

const QUEUES = ['bulk-jobs', 'webhook-delivery', 'maintenance'];

/**
 * An API process (the test app) and a real worker process, each with its own METRICS_PORT: a bulk
 * suspend with a webhook endpoint runs through both, and each scrape counts what happened there.
 */
describe('Prometheus metrics', () => {
  let test: TestApp;
  let receiver: WebhookReceiver;
  let token: string;
  let apiPort: number;
  let workerPort: number;
  let customerIds: number[];

  beforeAll(async () => {
    [apiPort, workerPort] = [await freePort(), await freePort()];
    receiver = await WebhookReceiver.start();
    test = await startTestApp({ PROCESS_ROLE: 'api', METRICS_PORT: String(apiPort) });
    await startWorkerProcess(test.config, { METRICS_PORT: String(workerPort) });
    token = await loginAdmin(test);

    const customers = [await createCustomer(test, token), await createCustomer(test, token)];
    customerIds = customers.map((customer) => customer.id);
    await test
      .http()
      .post('/api/v1/webhooks')
      .set(bearer(token))
      .send({ url: receiver.url(), events: ['customer.suspended'] })
      .expect(201);
    for (const id of customerIds)
      await test.http().get(`/api/v1/customers/${id}`).set(bearer(token)).expect(200);
    await test.http().get('/api/v1/customers/999999').set(bearer(token)).expect(404);
    await test.http().get(`/api/v1/no-such-thing/${customerIds[0]}`).set(bearer(token)).expect(404);

    const job = await waitForJob(test, token, await postBulk(test, token, 'suspend', customerIds));
    expect(job.state).toBe('completed');
    await receiver.waitFor((received) => received.length >= customerIds.length);
  }, 120_000);

  afterAll(async () => {
    await killAllWorkers();
    await test?.close();
    await receiver?.close();
  });

  it('serves the API process its own listener, and never on the public API port', async () => {
    const samples = await scrape(apiPort);
    expect(valueOf(samples, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(samples.some((sample) => sample.name === 'nodejs_eventloop_lag_seconds')).toBe(true);
    await test.http().get('/metrics').expect(404);
  });

  it('times HTTP requests by the declared route, never by raw ids', async () => {
    const samples = await scrape(apiPort);
    const count = (labels: Record<string, string>) =>
      valueOf(samples, 'http_request_duration_seconds_count', labels);
    expect(count({ method: 'GET', route: '/api/v1/customers/:id', status_code: '200' })).toBe(2);
    expect(count({ method: 'GET', route: '/api/v1/customers/:id', status_code: '404' })).toBe(1);
    expect(count({ method: 'POST', route: '/api/v1/customers/bulk', status_code: '202' })).toBe(1);
    expect(count({ method: 'POST', route: '/api/v1/auth/login', status_code: '200' })).toBe(1);
    expect(count({ method: 'GET', route: 'unmatched', status_code: '404' })).toBe(1);
    const routes = new Set(
      samples
        .filter((sample) => sample.name.startsWith('http_request_duration_seconds'))
        .map((sample) => sample.labels.route),
    );
    expect([...routes].filter((route) => /\/\d+(\/|$)/.test(route))).toEqual([]);
    expect(
      valueOf(samples, 'http_request_duration_seconds_bucket', {
        method: 'GET',
        route: '/api/v1/customers/:id',
        status_code: '200',
        le: '+Inf',
      }),
    ).toBe(2);
  });

  it('serves the worker process the bulk job and its deliveries', async () => {
    const samples = await scrape(workerPort);
    expect(
      valueOf(samples, 'clientele_bulk_job_duration_seconds_count', { action: 'suspend' }),
    ).toBe(1);
    expect(
      valueOf(samples, 'clientele_bulk_job_duration_seconds_sum', { action: 'suspend' }),
    ).toBeGreaterThan(0);
    expect(valueOf(samples, 'clientele_bulk_chunk_failures_total', { action: 'suspend' })).toBe(0);
    const delivered = receiver.deliveries().length;
    expect(delivered).toBe(customerIds.length);
    expect(
      await eventually(
        async () =>
          valueOf(await scrape(workerPort), 'clientele_webhook_deliveries_total', {
            outcome: 'succeeded',
          }),
        delivered,
      ),
    ).toBe(delivered);
    const after = await scrape(workerPort);
    expect(valueOf(after, 'clientele_webhook_deliveries_total', { outcome: 'failed' })).toBe(0);
    expect(valueOf(after, 'clientele_webhook_delivery_seconds_count')).toBe(delivered);
    expect(valueOf(after, 'clientele_webhook_delivery_seconds_sum')).toBeGreaterThan(0);
    expect(valueOf(after, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    // Nothing was timed on the worker: it serves no HTTP.
    expect(after.filter((sample) => sample.name.startsWith('http_request_duration'))).toEqual([]);
  });

  it('exports the queue depth of every queue and the outbox backlog from both processes', async () => {
    for (const port of [apiPort, workerPort]) {
      const completedBulkJobs = async () =>
        valueOf(await scrape(port), 'clientele_queue_jobs', {
          queue: 'bulk-jobs',
          state: 'completed',
        });
      expect(await eventually(completedBulkJobs, 1, 15_000)).toBe(1);
      const samples = await scrape(port);
      for (const queue of QUEUES)
        for (const state of ['waiting', 'active', 'delayed', 'failed', 'completed'])
          expect(valueOf(samples, 'clientele_queue_jobs', { queue, state })).toEqual(
            expect.any(Number),
          );
      expect(
        valueOf(samples, 'clientele_queue_jobs', { queue: 'bulk-jobs', state: 'failed' }),
      ).toBe(0);
      expect(
        await eventually(
          async () => valueOf(await scrape(port), 'clientele_outbox_backlog_events'),
          0,
          15_000,
        ),
      ).toBe(0);
      expect(valueOf(await scrape(port), 'clientele_outbox_oldest_pending_seconds')).toBe(0);
    }
  });
});

describe('Prometheus metrics: the listener', () => {
  it('stops a process at start when METRICS_PORT is taken, saying so', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, resolve));
    try {
      const port = (taken.address() as AddressInfo).port;
      const config = testConfig();
      await expect(startWorkerProcess(config, { METRICS_PORT: String(port) })).rejects.toThrow(
        `METRICS_PORT ${port} is in use`,
      );
    } finally {
      taken.close();
      await killAllWorkers();
    }
  });
});

describe('Prometheus metrics: turned off', () => {
  let test: TestApp;

  beforeAll(async () => {
    test = await startTestApp({ PROCESS_ROLE: 'api', METRICS_PORT: '0' });
  });

  afterAll(async () => {
    await test?.close();
  });

  it('times no request with METRICS_PORT 0', async () => {
    // The registry of this process, read directly: with METRICS_PORT 0 there is nothing to scrape.
    const timed = async () => {
      const metric = await metricsRegistry.getSingleMetric('http_request_duration_seconds')?.get();
      const values = (metric?.values ?? []) as Array<{
        metricName?: string;
        labels: Record<string, string | number>;
        value: number;
      }>;
      return values
        .filter(
          ({ metricName, labels }) =>
            metricName === 'http_request_duration_seconds_count' &&
            labels.route === '/api/v1/customers',
        )
        .reduce((sum, { value }) => sum + value, 0);
    };
    const before = await timed();
    const token = await loginAdmin(test);
    for (let i = 0; i < 3; i += 1)
      await test.http().get('/api/v1/customers').set(bearer(token)).expect(200);
    expect(await timed()).toBe(before);
  });
});

describe('Prometheus metrics: the outbox backlog', () => {
  let test: TestApp;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    // Nothing commits in this process (no login either), so its relay never runs.
    test = await startTestApp({ PROCESS_ROLE: 'api', METRICS_PORT: String(port) });
  });

  afterAll(async () => {
    await test?.close();
  });

  it('counts events the relay has not handed on, and the age of the oldest', async () => {
    // Written behind the relay's back (no commit of this process follows, and no worker sweeps).
    await test
      .em()
      .getConnection()
      .execute(
        `INSERT INTO outbox_event (type, object_type, object_id, actor, payload, created_at)
         VALUES ('customer.updated', 'customer', 1, 'system', '{}', UTC_TIMESTAMP(3) - INTERVAL 90 SECOND),
                ('customer.updated', 'customer', 1, 'system', '{}', UTC_TIMESTAMP(3) - INTERVAL 30 SECOND)`,
      );
    const samples = await scrape(port);
    expect(valueOf(samples, 'clientele_outbox_backlog_events')).toBe(2);
    const oldest = valueOf(samples, 'clientele_outbox_oldest_pending_seconds') ?? 0;
    expect(oldest).toBeGreaterThanOrEqual(90);
    expect(oldest).toBeLessThan(120);
  });

  it('serves 404 for anything but GET /metrics', async () => {
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${port}/metrics`, { method: 'POST' })).status).toBe(404);
  });
});

describe('Prometheus metrics: failed bulk chunks', () => {
  let test: TestApp;
  let port: number;
  const sql = (statement: string) => test.em().getConnection().execute(statement);

  beforeAll(async () => {
    port = await freePort();
    test = await startTestApp({
      PROCESS_ROLE: 'all',
      BULK_CHUNK_SIZE: '5',
      METRICS_PORT: String(port),
    });
  });

  afterAll(async () => {
    await sql('DROP TRIGGER IF EXISTS test_fail_customer').catch(() => undefined);
    await test?.close();
  });

  it('counts a chunk that kept failing, by action', async () => {
    const token = await loginAdmin(test);
    const ids = await seedCustomers(test, 10, 1, 1);
    // A real MariaDB error on one customer of the second chunk, on every attempt.
    await sql(
      `CREATE TRIGGER test_fail_customer BEFORE UPDATE ON customer FOR EACH ROW BEGIN
         IF NEW.id = ${ids[7]} THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'disk full (test)'; END IF;
       END`,
    );
    const labels = { action: 'suspend' };
    const before = await scrape(port);
    const job = await waitForJob(test, token, await postBulk(test, token, 'suspend', ids));
    expect(job).toMatchObject({ state: 'completed', succeeded: 5, failed: 5 });
    const after = await scrape(port);
    const delta = (name: string) =>
      (valueOf(after, name, labels) ?? 0) - (valueOf(before, name, labels) ?? 0);
    expect(delta('clientele_bulk_chunk_failures_total')).toBe(1);
    expect(delta('clientele_bulk_job_duration_seconds_count')).toBe(1);
  });
});
