import { bearer, loginAdmin, startTestApp, TestApp } from './support/app';
import { createCustomer } from './support/factories';
import { WebhookReceiver } from './support/webhook-receiver';
import { eventually } from './support/eventually';
import { SecretBox, newWebhookSecret } from '../src/webhooks/webhook-endpoint.entity';
import { WebhookEndpoint } from '../src/webhooks/webhook-endpoint.entity';

describe('webhook targets (SSRF) with private targets not allowed', () => {
  let test: TestApp;
  let token: string;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    test = await startTestApp({
      PROCESS_ROLE: 'all',
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'false',
      WEBHOOK_RETRY_SCHEDULE_MS: '60000',
    });
    token = await loginAdmin(test);
    receiver = await WebhookReceiver.start();
  });
  afterAll(async () => {
    await test.close();
    await receiver.close();
  });

  it.each([
    'http://127.0.0.1:8080/hook',
    'http://localhost/hook',
    'http://10.1.2.3/hook',
    'http://172.16.0.1/hook',
    'http://192.168.1.1/hook',
    'http://169.254.169.254/latest/meta-data',
    'http://100.64.0.1/hook',
    'http://0.0.0.0/hook',
    'http://224.0.0.1/hook',
    'http://[::1]/hook',
    'http://[fe80::1]/hook',
    'http://[fd00::1]/hook',
    'http://[::ffff:127.0.0.1]/hook',
    'http://2130706433/hook',
  ])('refuses %s', async (url) => {
    const response = await test
      .http()
      .post('/api/v1/webhooks')
      .set(bearer(token))
      .send({ url, events: ['*'] })
      .expect(400);
    expect(response.body.errors[0]).toMatchObject({ field: 'url' });
    expect(response.body.errors[0].message).toMatch(/non-public/);
  });

  it('refuses a private URL in an edit too', async () => {
    // A public literal address needs no DNS; disabled, so nothing is ever sent to it.
    const created = await test
      .http()
      .post('/api/v1/webhooks')
      .set(bearer(token))
      .send({ url: 'https://93.184.215.14/hook', events: ['job.completed'], enabled: false })
      .expect(201);
    await test
      .http()
      .patch(`/api/v1/webhooks/${created.body.id}`)
      .set(bearer(token))
      .send({ url: 'http://127.0.0.1/hook' })
      .expect(400);
    await test.http().delete(`/api/v1/webhooks/${created.body.id}`).set(bearer(token)).expect(204);
  });

  it.each([
    [
      'an IP literal',
      (receiver: WebhookReceiver) => receiver.url('/internal'),
      /^refused: address 127\.0\.0\.1 is not public/,
    ],
    [
      'a name that now resolves to one',
      (receiver: WebhookReceiver) => receiver.url('/internal').replace('127.0.0.1', 'localhost'),
      /^refused: host localhost resolves to a non-public address/,
    ],
  ])(
    'checks the address again at delivery time and sends nothing to an internal one: %s',
    async (_case, urlOf, expected) => {
      // As if the URL had been saved while its name resolved to a public address.
      const em = test.em();
      const endpoint = em.create(WebhookEndpoint, {
        url: urlOf(receiver),
        events: ['customer.created'],
        secretEncrypted: test.app.get(SecretBox).seal(newWebhookSecret()),
      });
      await em.flush();
      await createCustomer(test, token);

      let items: Array<{ succeeded: boolean; statusCode: number | null; error: string }> = [];
      await eventually(async () => {
        items = (
          await test
            .http()
            .get(`/api/v1/webhooks/${endpoint.id}/deliveries`)
            .set(bearer(token))
            .expect(200)
        ).body.items;
        return items.length > 0;
      }, true);
      expect(items[0]).toMatchObject({ succeeded: false, statusCode: null });
      expect(items[0].error).toMatch(expected);
      expect(receiver.deliveries()).toHaveLength(0);
      await test.http().delete(`/api/v1/webhooks/${endpoint.id}`).set(bearer(token)).expect(204);
    },
  );
});
