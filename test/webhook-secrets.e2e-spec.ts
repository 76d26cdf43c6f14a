import { Writable } from 'node:stream';
import { bearer, loginAdmin, startTestApp, TestApp } from './support/app';
import { createCustomer } from './support/factories';
import { eventually } from './support/eventually';
import { WebhookReceiver } from './support/webhook-receiver';

/**
 * A secret that cannot be decrypted (sealed under another SECRET_ENCRYPTION_KEY, or damaged)
 * stops only its own endpoint: its state and the log say why, its deliveries wait unattempted,
 * and every other endpoint keeps receiving.
 */
describe('an endpoint whose secret cannot be decrypted', () => {
  let test: TestApp;
  let receiver: WebhookReceiver;
  const log: string[] = [];

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    test = await startTestApp(
      { PROCESS_ROLE: 'all', RELAY_SWEEP_INTERVAL_MS: '300', LOG_LEVEL: 'warn' },
      {
        logStream: new Writable({
          write: (chunk: Buffer, _encoding, done) => {
            log.push(chunk.toString());
            done();
          },
        }),
      },
    );
  });
  afterAll(async () => {
    await test.close();
    await receiver.close();
  });

  it('fails only itself, says so in its state and the log, and others go on', async () => {
    const token = await loginAdmin(test);
    const create = async (path: string) =>
      (
        await test
          .http()
          .post('/api/v1/webhooks')
          .set(bearer(token))
          .send({ url: receiver.url(path), events: ['customer.created'] })
          .expect(201)
      ).body as { id: number };
    const [broken, healthy] = [await create('/broken'), await create('/healthy')];
    await test
      .em()
      .getConnection()
      .execute(`UPDATE webhook_endpoint SET secret_encrypted = 'v1:AAAA:BBBB:CCCC' WHERE id = ?`, [
        broken.id,
      ]);

    const customers = [await createCustomer(test, token), await createCustomer(test, token)];
    await receiver.waitFor((all) => all.filter((d) => d.path === '/healthy').length === 2);
    const view = async () =>
      (await test.http().get(`/api/v1/webhooks/${broken.id}`).set(bearer(token)).expect(200))
        .body as { enabled: boolean; failingSince: string | null; lastError: string | null };
    expect(await eventually(async () => (await view()).lastError !== null, true)).toBe(true);
    expect(await view()).toMatchObject({
      enabled: true,
      failingSince: expect.any(String),
      lastError: expect.stringMatching(/secret cannot be decrypted/),
    });
    expect(receiver.deliveries('/broken')).toEqual([]);
    const pending = await test
      .em()
      .getConnection()
      .execute<Array<{ state: string; attempts: number }>>(
        'SELECT state, attempts FROM event_delivery WHERE endpoint_id = ?',
        [broken.id],
      );
    expect(pending.map((row) => [row.state, Number(row.attempts)])).toEqual(
      customers.map(() => ['pending', 0]),
    );
    const healthyView = await test
      .http()
      .get(`/api/v1/webhooks/${healthy.id}`)
      .set(bearer(token))
      .expect(200);
    expect(healthyView.body).toMatchObject({ failingSince: null, lastError: null });
  });
});
