import { bearer, loginAdmin } from '../support/app';
import { postBulk, seedCustomers, waitForJob } from '../support/bulk-jobs';
import { eventually } from '../support/eventually';
import { eventsAfter, lastEventId } from '../support/hosting';
import { apiAndConsumer } from '../support/webhook-receiver';
import { startWorkerProcess, WorkerProcess } from '../support/worker-process';

const CUSTOMERS = 80;
const DOMAINS = 3;

/**
 * Order per (endpoint, customer) with two worker processes, one of them SIGKILLed mid-run: a
 * consumer that refuses the first attempt of a random third of the events (503) and applies what
 * it accepts must see each customer's events in `sequence` order, every one of them.
 */
describe('delivery order per customer', () => {
  const world = apiAndConsumer();

  it('keeps each customer’s events in sequence order through failed first attempts and a worker SIGKILL', async () => {
    const { app, receiver } = await world.start({ BULK_CHUNK_SIZE: '20' });
    const refused = new Set<string>();
    /** What the consumer applied, per customer: sequences in the order it accepted them. */
    const applied = new Map<number, number[]>();
    receiver.on('/ordered', (delivery) => {
      const id = delivery.headers['webhook-id'];
      if (!refused.has(id) && Math.random() < 0.33) {
        refused.add(id);
        return { status: 503 };
      }
      const { customerId, sequence } = delivery.message.data as {
        customerId: number | null;
        sequence: number | null;
      };
      if (customerId !== null && sequence !== null) {
        const list = applied.get(customerId) ?? [];
        list.push(sequence);
        applied.set(customerId, list);
      }
      return { status: 204 };
    });
    const token = await loginAdmin(app);
    await app
      .http()
      .post('/api/v1/webhooks')
      .set(bearer(token))
      .send({ url: receiver.url('/ordered'), events: ['*'] })
      .expect(201);
    const ids = await seedCustomers(app, CUSTOMERS, 1, DOMAINS);
    const workerEnv = {
      RELAY_SWEEP_INTERVAL_MS: '500',
      WEBHOOK_RETRY_SCHEDULE_MS: '300,600,1000,2000,3000,5000',
    };
    const workers: WorkerProcess[] = [
      await startWorkerProcess(app.config, workerEnv),
      await startWorkerProcess(app.config, workerEnv),
    ];
    const before = await lastEventId(app);

    // Suspend and activate every customer: each change follows the other for the same customer,
    // so an activation delivered before its suspension would leave the consumer wrong.
    await waitForJob(app, token, await postBulk(app, token, 'suspend', ids), 120_000);
    const activation = await postBulk(app, token, 'activate', ids);
    await eventually(async () => applied.size > CUSTOMERS / 4, true, 60_000);
    workers[0].kill('SIGKILL');
    await workers[0].exited;
    workers.push(await startWorkerProcess(app.config, workerEnv));
    await waitForJob(app, token, activation, 120_000);

    const events = (await eventsAfter(app, before)).filter((e) => e.customerId !== null);
    const expected = new Map<number, number[]>();
    for (const event of events) {
      const list = expected.get(event.customerId as number) ?? [];
      list.push(event.sequence as number);
      expected.set(event.customerId as number, list);
    }
    const appliedCount = () => [...applied.values()].reduce((n, list) => n + new Set(list).size, 0);
    expect(await eventually(async () => appliedCount(), events.length, 180_000)).toBe(
      events.length,
    );
    for (const [customerId, sequences] of expected) {
      const sorted = [...sequences].sort((a, b) => a - b);
      // A duplicate after the kill may repeat an accepted event; the first acceptances are in order.
      const firsts = (applied.get(customerId) ?? []).filter((s, i, all) => all.indexOf(s) === i);
      expect({ customerId, firsts }).toEqual({ customerId, firsts: sorted });
    }
    expect(refused.size).toBeGreaterThan(events.length / 5);
    process.stdout.write(
      `delivery order: ${events.length} customer events of ${expected.size} customers, ${refused.size} first attempts refused, one worker SIGKILLed\n`,
    );
  }, 400_000);
});
