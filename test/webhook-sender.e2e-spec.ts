import { Webhook } from 'standardwebhooks';
import { loadConfig } from '../src/config/load-config';
import { newWebhookSecret } from '../src/webhooks/secret-box';
import { WebhookSender } from '../src/webhooks/delivery/webhook-sender';
import { WebhookReceiver } from './support/webhook-receiver';

/** WebhookSender on its own, against a real consumer on loopback. */
describe('webhook sending', () => {
  let receiver: WebhookReceiver;
  let sender: WebhookSender;
  const secret = newWebhookSecret();

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    sender = new WebhookSender(
      loadConfig({
        WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
        WEBHOOK_TIMEOUT_MS: '500',
      }),
    );
  });

  afterAll(async () => {
    await sender.onApplicationShutdown();
    await receiver.close();
  });

  it('signs every message and keeps each customer’s messages in order', async () => {
    const messages = Array.from({ length: 60 }, (_, i) => ({
      eventId: String(1000 + i),
      body: JSON.stringify({
        type: 'domain.suspended',
        timestamp: new Date().toISOString(),
        data: { n: i },
      }),
      customerId: i % 4,
    }));
    const batches = await Promise.all([
      sender.sendBatch(receiver.url('/ordered'), [secret], messages.slice(0, 30)),
      sender.sendBatch(receiver.url('/ordered'), [secret], messages.slice(30)),
    ]);

    for (const outcome of batches) {
      expect(outcome.gone).toBe(false);
      expect(outcome.unsent).toEqual([]);
      expect(outcome.sent.every((s) => s.result.ok && s.result.statusCode === 200)).toBe(true);
    }
    const received = receiver.deliveries('/ordered');
    expect(received).toHaveLength(60);
    const verifier = new Webhook(secret);
    for (const delivery of received)
      expect(() => verifier.verify(delivery.body, delivery.headers)).not.toThrow();
    for (let customer = 0; customer < 4; customer += 1) {
      const order = received
        .filter((d) => (d.message.data.n as number) % 4 === customer)
        .map((d) => d.message.data.n as number);
      const ownBatchOrder = (from: number, to: number) => order.filter((n) => n >= from && n < to);
      expect(ownBatchOrder(0, 30)).toEqual([...ownBatchOrder(0, 30)].sort((a, b) => a - b));
      expect(ownBatchOrder(30, 60)).toEqual([...ownBatchOrder(30, 60)].sort((a, b) => a - b));
    }
  });

  it('stops a batch at 410 Gone and holds the rest back once the consumer stops answering', async () => {
    receiver.on('/gone', () => ({ status: 410 }));
    const one = (id: string) => ({ eventId: id, body: '{}', customerId: 7 });
    const gone = await sender.sendBatch(
      receiver.url('/gone'),
      [secret],
      [one('1'), one('2'), one('3')],
    );
    expect(gone.gone).toBe(true);
    expect(gone.sent.map((s) => s.result.statusCode)).toEqual([410]);

    receiver.on('/hang', () => ({ status: 200, delayMs: 2000 }));
    const hanging = await sender.sendBatch(
      receiver.url('/hang'),
      [secret],
      [one('4'), one('5'), one('6')],
    );
    expect(hanging.sent).toHaveLength(1);
    expect(hanging.sent[0].result).toMatchObject({ ok: false, statusCode: null });
    expect(hanging.sent[0].result.error).toMatch(/timed out after 500 ms/);
    expect(hanging.unsent).toEqual(['5', '6']);
  });

  it('signs with one signature per active secret, and reports each answer as it comes', async () => {
    const previous = newWebhookSecret();
    const heard: string[] = [];
    const outcome = await sender.sendBatch(
      receiver.url('/single'),
      [secret, previous],
      [{ eventId: '42', body: '{"a":1}', customerId: null }],
      (sent) => heard.push(sent.eventId),
    );
    expect(heard).toEqual(['42']);
    expect(outcome.sent[0].result).toMatchObject({ ok: true, statusCode: 200, error: null });
    const [delivery] = receiver.deliveries('/single');
    expect(delivery.headers['webhook-id']).toBe('42');
    expect(delivery.headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(secret).verify(delivery.body, delivery.headers)).not.toThrow();
    expect(() => new Webhook(previous).verify(delivery.body, delivery.headers)).not.toThrow();
  });

  it('lets batches in flight finish when the process shuts down, then refuses new ones', async () => {
    const own = new WebhookSender(loadConfig({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' }));
    receiver.on('/slow', () => ({ status: 200, delayMs: 300 }));
    const message = { eventId: '9', body: '{}', customerId: null };
    const inFlight = own.sendBatch(receiver.url('/slow'), [secret], [message]);
    await own.onApplicationShutdown();
    const outcome = await inFlight;
    expect(outcome.sent.map((s) => s.result.statusCode)).toEqual([200]);
    await expect(own.sendBatch(receiver.url('/slow'), [secret], [message])).rejects.toThrow(
      /shutting down/,
    );
  });
});
