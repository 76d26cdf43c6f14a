import { Webhook } from 'standardwebhooks';
import { HttpDelivery } from '../src/webhooks/delivery/http-delivery';
import { newWebhookSecret } from '../src/webhooks/webhook-endpoint.entity';
import { WebhookReceiver } from './support/webhook-receiver';

/** HttpDelivery on its own (the signing and POSTing end of the send path), against a real consumer on loopback. */
describe('webhook sending', () => {
  let receiver: WebhookReceiver;
  let http: HttpDelivery;
  const secret = newWebhookSecret();

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    http = new HttpDelivery({ allowPrivateTargets: true, timeoutMs: 10_000 });
  });

  afterAll(async () => {
    http.close();
    await receiver.close();
  });

  it('signs every message so that the standardwebhooks package verifies it', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        http.send(receiver.url('/signed'), [secret], String(1000 + i), JSON.stringify({ n: i })),
      ),
    );
    expect(results.every((r) => r.ok && r.statusCode === 200 && r.error === null)).toBe(true);
    const received = receiver.deliveries('/signed');
    expect(received).toHaveLength(20);
    for (const delivery of received)
      expect(() => new Webhook(secret).verify(delivery.body, delivery.headers)).not.toThrow();
  });

  it('signs with one signature per active secret', async () => {
    const previous = newWebhookSecret();
    const result = await http.send(receiver.url('/two'), [secret, previous], '42', '{"a":1}');
    expect(result).toMatchObject({ ok: true, statusCode: 200, error: null });
    const [delivery] = receiver.deliveries('/two');
    expect(delivery.headers['webhook-id']).toBe('42');
    expect(delivery.headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(secret).verify(delivery.body, delivery.headers)).not.toThrow();
    expect(() => new Webhook(previous).verify(delivery.body, delivery.headers)).not.toThrow();
  });

  it('reports an error status with the answer and its Retry-After, and a hanging consumer as a timeout', async () => {
    receiver.on('/busy', () => ({ status: 503, headers: { 'retry-after': '7' } }));
    expect(await http.send(receiver.url('/busy'), [secret], '1', '{}')).toMatchObject({
      ok: false,
      statusCode: 503,
      retryAfterMs: 7000,
    });
    receiver.on('/hang', () => ({ status: 200, delayMs: 3000 }));
    const impatient = new HttpDelivery({ allowPrivateTargets: true, timeoutMs: 500 });
    const hanging = await impatient.send(receiver.url('/hang'), [secret], '2', '{}');
    impatient.close();
    expect(hanging).toMatchObject({ ok: false, statusCode: null });
    expect(hanging.error).toMatch(/timed out after 500 ms/);
  });
});
