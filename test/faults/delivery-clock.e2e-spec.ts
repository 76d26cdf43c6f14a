import { bearer, loginAdmin } from '../support/app';
import { postBulk, seedCustomers, waitForJob } from '../support/bulk-jobs';
import { eventually } from '../support/eventually';
import { eventsAfter, lastEventId } from '../support/hosting';
import { apiAndConsumer } from '../support/webhook-receiver';
import { startWorkerProcess } from '../support/worker-process';

const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';
const RETRY_MS = 2000;

/**
 * Due times and leases come from the database's clock: a worker whose clock runs 60 s behind
 * (Debian's libfaketime), beside one whose clock is right, sends nothing twice and nothing late.
 * Slow answers keep requests in flight for a while, so a lease written from the slow clock (60 s
 * in the past, already expired) would let the other worker send the same events again.
 */
describe('delivery with a worker whose clock is behind', () => {
  const world = apiAndConsumer();

  it('sends nothing twice and retries on time when a worker runs 60 s behind', async () => {
    const { app, receiver } = await world.start();
    const refusedAt = new Map<string, number>();
    receiver.on('/clock', (delivery) => {
      const id = delivery.headers['webhook-id'];
      if (!refusedAt.has(id) && Number(id) % 5 === 0) {
        refusedAt.set(id, Date.now());
        return { status: 503 };
      }
      return { status: 204, delayMs: 400 };
    });
    const token = await loginAdmin(app);
    await app
      .http()
      .post('/api/v1/webhooks')
      .set(bearer(token))
      .send({ url: receiver.url('/clock'), events: ['*'] })
      .expect(201);
    const env = {
      RELAY_SWEEP_INTERVAL_MS: '500',
      WEBHOOK_RETRY_SCHEDULE_MS: `${RETRY_MS},60000,120000`,
    };
    const behind = await startWorkerProcess(app.config, {
      ...env,
      LD_PRELOAD: LIBFAKETIME,
      FAKETIME: '-60s',
      FAKETIME_DONT_FAKE_MONOTONIC: '1',
    });
    expect(behind.output()).toMatch(/worker started/);
    await startWorkerProcess(app.config, env);

    const ids = await seedCustomers(app, 60, 1, 3);
    const before = await lastEventId(app);
    await waitForJob(app, token, await postBulk(app, token, 'suspend', ids), 60_000);
    const events = await eventsAfter(app, before);
    const consumer = receiver;
    // Every event once, and a refused one (every fifth id) once more.
    const wanted = (id: number) => (id % 5 === 0 ? 2 : 1);
    const done = async () => {
      const counts = new Map<string, number>();
      for (const d of consumer.deliveries('/clock'))
        counts.set(d.headers['webhook-id'], (counts.get(d.headers['webhook-id']) ?? 0) + 1);
      return events.every((e) => (counts.get(String(e.id)) ?? 0) >= wanted(e.id));
    };
    expect(await eventually(done, true, 120_000)).toBe(true);
    // A marker after everything: a second sending of anything would have come before it.
    const marker = await postBulk(app, token, 'activate', ids.slice(0, 1));
    await waitForJob(app, token, marker);
    const markerEvents = await eventsAfter(app, events[events.length - 1].id);
    await consumer.waitFor(
      (all) =>
        all.some(
          (d) => d.headers['webhook-id'] === String(markerEvents[markerEvents.length - 1].id),
        ),
      60_000,
    );

    const received = consumer.deliveries('/clock');
    const perEvent = new Map<string, number[]>();
    for (const d of received) {
      const list = perEvent.get(d.headers['webhook-id']) ?? [];
      list.push(d.receivedAt);
      perEvent.set(d.headers['webhook-id'], list);
    }
    const twice = events.filter((e) => (perEvent.get(String(e.id))?.length ?? 0) > wanted(e.id));
    expect(twice).toEqual([]);
    // A refused first attempt comes again after RETRY_MS (plus jitter, a sweep and a loaded
    // machine), not a minute later as a due time from the slow clock would make it.
    const retryGaps = [...refusedAt].map(([id, at]) => (perEvent.get(id)?.[1] ?? Infinity) - at);
    expect(refusedAt.size).toBeGreaterThan(0);
    expect(Math.max(...retryGaps)).toBeLessThan(RETRY_MS + 15_000);
    process.stdout.write(
      `delivery clock: ${events.length} events, ${refusedAt.size} retried, longest retry gap ${Math.max(...retryGaps)} ms, none twice\n`,
    );
  }, 300_000);
});
