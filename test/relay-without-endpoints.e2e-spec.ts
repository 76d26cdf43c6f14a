import { DeliverySweep } from '../src/webhooks/delivery/relay';
import { bearer, loginAdmin, startTestApp, TestApp } from './support/app';
import { createCustomer } from './support/factories';
import { eventually } from './support/eventually';
import { WebhookReceiver } from './support/webhook-receiver';

const undispatched = async (test: TestApp) =>
  Number(
    (
      await test
        .em()
        .getConnection()
        .execute<Array<{ n: number }>>(
          'SELECT COUNT(*) AS n FROM outbox_event WHERE dispatched_at IS NULL',
        )
    )[0].n,
  );

describe('the relay without webhook endpoints', () => {
  let test: TestApp;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    test = await startTestApp({ PROCESS_ROLE: 'all', RELAY_SWEEP_INTERVAL_MS: '400' });
    receiver = await WebhookReceiver.start();
  });
  afterAll(async () => {
    await receiver.close();
    await test.close();
  });

  it('marks events relayed when nobody listens, and an endpoint added later hears only what happens after it', async () => {
    const token = await loginAdmin(test);
    const before = [await createCustomer(test, token), await createCustomer(test, token)];
    expect(await eventually(() => undispatched(test), 0)).toBe(0);

    await test
      .http()
      .post('/api/v1/webhooks')
      .set(bearer(token))
      .send({ url: receiver.url('/late'), events: ['customer.created'] })
      .expect(201);
    const after = await createCustomer(test, token);
    const [delivery] = await receiver.waitFor((received) => received.length >= 1);
    expect(delivery.message.type).toBe('customer.created');
    expect(delivery.message.data.objectId).toBe(after.id);

    // A marker after a few sweeps: a wrongly re-relayed old event would have come before it.
    for (let sweep = 0; sweep < 3; sweep += 1) await test.app.get(DeliverySweep).run();
    const marker = await createCustomer(test, token);
    await receiver.waitFor((received) =>
      received.some((d) => d.message.data.objectId === marker.id),
    );
    const ids = receiver.deliveries().map((d) => d.message.data.objectId);
    expect(ids).toEqual([after.id, marker.id]);
    expect(ids).not.toContain(before[0].id);
    expect(await undispatched(test)).toBe(0);
  });
});
