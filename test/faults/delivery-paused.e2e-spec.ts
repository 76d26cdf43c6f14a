import { bearer, loginAdmin } from '../support/app';
import { postBulk, seedCustomers, waitForJob } from '../support/bulk-jobs';
import { eventually } from '../support/eventually';
import { eventsAfter, lastEventId } from '../support/hosting';
import { apiAndConsumer } from '../support/webhook-receiver';
import { startWorkerProcess, WorkerProcess } from '../support/worker-process';

const CUSTOMERS = 40;

/**
 * Paused, not dropped: a disabled endpoint's deliveries are kept as `paused` (the webhook view
 * counts them), enabling it sends them all in order per customer even when a worker is SIGKILLed
 * right then, and discard-paused drops them explicitly, audited.
 */
describe('deliveries of a disabled endpoint', () => {
  const world = apiAndConsumer();

  it('are kept paused, sent in order once it is enabled (a worker SIGKILLed meanwhile), or discarded on request', async () => {
    const { app, receiver } = await world.start();
    const token = await loginAdmin(app);
    const hook = (
      await app
        .http()
        .post('/api/v1/webhooks')
        .set(bearer(token))
        .send({ url: receiver.url('/paused'), events: ['*'], enabled: false })
        .expect(201)
    ).body as { id: number };
    const view = async () =>
      (await app.http().get(`/api/v1/webhooks/${hook.id}`).set(bearer(token)).expect(200)).body as {
        pausedDeliveries: number;
        enabled: boolean;
      };
    const workerEnv = { RELAY_SWEEP_INTERVAL_MS: '500' };
    const workers: WorkerProcess[] = [
      await startWorkerProcess(app.config, workerEnv),
      await startWorkerProcess(app.config, workerEnv),
    ];

    const ids = await seedCustomers(app, CUSTOMERS, 1, 2);
    const before = await lastEventId(app);
    await waitForJob(app, token, await postBulk(app, token, 'suspend', ids));
    const events = await eventsAfter(app, before);
    const paused = await eventually(async () => (await view()).pausedDeliveries, events.length);
    expect(paused).toBe(events.length);

    await app
      .http()
      .patch(`/api/v1/webhooks/${hook.id}`)
      .set(bearer(token))
      .send({ enabled: true })
      .expect(200);
    workers[0].kill('SIGKILL');
    await workers[0].exited;
    const consumer = receiver;
    const arrived = () =>
      new Set(consumer.deliveries('/paused').map((d) => d.headers['webhook-id']));
    const wanted = events.map((e) => String(e.id));
    expect(
      await eventually(async () => wanted.every((id) => arrived().has(id)), true, 60_000),
    ).toBe(true);
    expect((await view()).pausedDeliveries).toBe(0);
    const firstSeen = new Map<number, number[]>();
    for (const delivery of consumer.deliveries('/paused')) {
      const { customerId, sequence } = delivery.message.data as {
        customerId: number | null;
        sequence: number;
      };
      if (customerId === null) continue;
      const list = firstSeen.get(customerId) ?? [];
      if (!list.includes(sequence)) list.push(sequence);
      firstSeen.set(customerId, list);
    }
    for (const list of firstSeen.values()) expect(list).toEqual([...list].sort((a, b) => a - b));

    // Disabled again: new events wait as paused, and are dropped on request, with an audit event.
    await app
      .http()
      .patch(`/api/v1/webhooks/${hook.id}`)
      .set(bearer(token))
      .send({ enabled: false })
      .expect(200);
    const again = await lastEventId(app);
    await waitForJob(app, token, await postBulk(app, token, 'activate', ids.slice(0, 5)));
    const later = await eventsAfter(app, again);
    expect(await eventually(async () => (await view()).pausedDeliveries, later.length)).toBe(
      later.length,
    );
    const discarded = await app
      .http()
      .post(`/api/v1/webhooks/${hook.id}/discard-paused`)
      .set(bearer(token))
      .expect(200);
    expect(discarded.body).toEqual({ discarded: later.length });
    // Nothing of what was discarded is paused any more. (The audit event of the discard is itself
    // an event for this `*` endpoint, so it may be paused in its turn: not counted here.)
    const [{ n: stillPaused }] = await app
      .em()
      .getConnection()
      .execute<Array<{ n: number }>>(
        "SELECT COUNT(*) AS n FROM event_delivery WHERE endpoint_id = ? AND state = 'paused' AND event_id <= ?",
        [hook.id, Math.max(...later.map((e) => Number(e.id)))],
      );
    expect(Number(stillPaused)).toBe(0);
    const audit = (await eventsAfter(app, again)).find(
      (e) => e.type === 'webhook.paused_discarded',
    );
    expect(audit).toMatchObject({
      objectId: hook.id,
      actor: expect.stringMatching(/^admin:/),
      payload: { webhook: { id: hook.id, discarded: later.length } },
    });
    // Enabling now sends nothing of what was discarded (a later marker shows it).
    await app
      .http()
      .patch(`/api/v1/webhooks/${hook.id}`)
      .set(bearer(token))
      .send({ enabled: true })
      .expect(200);
    const ping = (
      await app.http().post(`/api/v1/webhooks/${hook.id}/ping`).set(bearer(token)).expect(202)
    ).body as { eventId: number };
    await consumer.waitFor(
      (all) => all.some((d) => d.headers['webhook-id'] === String(ping.eventId)),
      30_000,
    );
    const discardedIds = new Set(later.map((e) => String(e.id)));
    expect(
      consumer.deliveries('/paused').filter((d) => discardedIds.has(d.headers['webhook-id'])),
    ).toEqual([]);

    // Refused while enabled: nothing is paused then.
    await app
      .http()
      .post(`/api/v1/webhooks/${hook.id}/discard-paused`)
      .set(bearer(token))
      .expect(409);
  }, 300_000);
});
