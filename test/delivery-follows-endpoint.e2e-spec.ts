import { DeliverySweep } from '../src/webhooks/delivery/relay';
import { bearer, loginAdmin, startTestApp, TestApp } from './support/app';
import { eventually } from './support/eventually';
import { createCustomer } from './support/factories';
import { WebhookReceiver } from './support/webhook-receiver';

/**
 * A relay pass reads an endpoint without a lock. One that read it just before an admin disabled
 * (or enabled) it creates its deliveries in the old state after the pause (or resume) ran. The
 * test writes those rows as such a pass would have, and the sweep must put them right: a disabled
 * endpoint's delivery counted as paused, an enabled one's sent.
 */
describe('deliveries follow their endpoint', () => {
  let test: TestApp;
  let receiver: WebhookReceiver;
  let token: string;

  beforeAll(async () => {
    // The sweep runs when the test says so, not on its own schedule.
    test = await startTestApp({ PROCESS_ROLE: 'all', RELAY_SWEEP_INTERVAL_MS: '3600000' });
    receiver = await WebhookReceiver.start();
    token = await loginAdmin(test);
  });
  afterAll(async () => {
    await receiver.close();
    await test.close();
  });

  const sql = (query: string, params: unknown[] = []) =>
    test.em().getConnection().execute(query, params);
  const setEnabled = (id: number, enabled: boolean) =>
    test.http().patch(`/api/v1/webhooks/${id}`).set(bearer(token)).send({ enabled }).expect(200);
  const pausedCount = async (id: number) =>
    (await test.http().get(`/api/v1/webhooks/${id}`).set(bearer(token)).expect(200)).body
      .pausedDeliveries as number;
  const stateOf = async (endpointId: number, customerId: number) =>
    (
      (await sql(
        `SELECT d.state FROM event_delivery d JOIN outbox_event o ON o.id = d.event_id
          WHERE d.endpoint_id = ? AND o.type = 'customer.created' AND o.object_id = ?`,
        [endpointId, customerId],
      )) as Array<{ state: string }>
    )[0]?.state;

  it('pauses what a late relay pass left pending for a disabled endpoint, and sends what it left paused for an enabled one', async () => {
    const hook = (
      await test
        .http()
        .post('/api/v1/webhooks')
        .set(bearer(token))
        .send({ url: receiver.url('/follow'), events: ['customer.created'] })
        .expect(201)
    ).body as { id: number };

    // Disabled: the new customer's delivery is paused; the late pass would have made it pending.
    await setEnabled(hook.id, false);
    const first = await createCustomer(test, token);
    expect(await eventually(() => stateOf(hook.id, first.id), 'paused')).toBe('paused');
    await sql(`UPDATE event_delivery SET state = 'pending' WHERE endpoint_id = ?`, [hook.id]);
    expect(await pausedCount(hook.id)).toBe(0);

    await test.app.get(DeliverySweep).run();
    expect(await stateOf(hook.id, first.id)).toBe('paused');
    expect(await pausedCount(hook.id)).toBe(1);

    // Enabled by a resume that ran before the late pass wrote its paused delivery.
    const second = await createCustomer(test, token);
    expect(await eventually(() => stateOf(hook.id, second.id), 'paused')).toBe('paused');
    await sql('UPDATE webhook_endpoint SET enabled = 1 WHERE id = ?', [hook.id]);
    await test.app.get(DeliverySweep).run();
    const received = await receiver.waitFor((all) => all.length >= 2);
    expect(received.map((d) => d.message.data.objectId)).toEqual([first.id, second.id]);
    expect(await eventually(() => stateOf(hook.id, second.id), 'succeeded')).toBe('succeeded');
  });
});
