import { bearer, loginAdmin, startTestApp, TestApp } from '../support/app';
import { createCustomer } from '../support/factories';
import { WebhookReceiver } from '../support/webhook-receiver';
import { killAllWorkers, startWorkerProcess } from '../support/worker-process';

/** The promise is 15 s; the bound leaves room for a loaded machine's worker boot. */
const RESUMED_WITHIN_MS = 25_000;

/**
 * A worker SIGKILLed while its requests are in flight: those deliveries are sent again by another
 * worker once their lease (6 s) and the dead worker's BullMQ lock (10 s) run out, not after the
 * one-minute sweeps. The consumer holds each event's first request and answers the second at once.
 */
describe('deliveries of a crashed worker', () => {
  let test: TestApp;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    test = await startTestApp({ PROCESS_ROLE: 'api' });
    receiver = await WebhookReceiver.start();
  });

  afterAll(async () => {
    await killAllWorkers();
    await test?.close();
    await receiver?.close();
  });

  it('are sent again by another worker soon after a SIGKILL', async () => {
    const token = await loginAdmin(test);
    const seen = new Map<string, number>();
    receiver.on('/hold', (delivery) => {
      const id = delivery.headers['webhook-id'];
      seen.set(id, (seen.get(id) ?? 0) + 1);
      // The first request of each event hangs (the worker dies holding it), later ones succeed.
      return seen.get(id) === 1 ? { status: 204, delayMs: 120_000 } : { status: 204 };
    });
    await test
      .http()
      .post('/api/v1/webhooks')
      .set(bearer(token))
      .send({ url: receiver.url('/hold'), events: ['customer.created'] })
      .expect(201);
    const workerEnv = { WEBHOOK_TIMEOUT_MS: '120000' };
    const first = await startWorkerProcess(test.config, workerEnv);
    for (let i = 0; i < 3; i += 1) await createCustomer(test, token);
    await receiver.waitFor((all) => all.filter((d) => d.path === '/hold').length >= 3, 30_000);

    first.kill('SIGKILL');
    await first.exited;
    const killedAt = Date.now();
    await startWorkerProcess(test.config, workerEnv);
    const ids = [...seen.keys()];
    const resent = await receiver.waitFor(
      () => ids.every((id) => (seen.get(id) ?? 0) >= 2),
      RESUMED_WITHIN_MS + 5_000,
    );
    const lastResent = Math.max(
      ...resent.filter((d) => d.path === '/hold').map((d) => d.receivedAt),
    );
    const resumedAfterMs = lastResent - killedAt;
    process.stdout.write(
      `deliveries of a SIGKILLed worker sent again ${(resumedAfterMs / 1000).toFixed(1)} s after the kill\n`,
    );
    expect(resumedAfterMs).toBeLessThan(RESUMED_WITHIN_MS);
  }, 120_000);
});
