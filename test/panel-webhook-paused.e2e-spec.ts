import { Page } from 'playwright-core';
import { bearer } from './support/app';
import {
  eventually,
  GERMAN_LOGIN,
  logInThroughPanel,
  PanelHarness,
  PanelTestApp,
} from './support/browser';
import { postBulk, seedCustomers, waitForJob } from './support/bulk-jobs';
import { ADMIN } from './support/database';
import { createCustomer, CreatedCustomer } from './support/factories';
import { WebhookReceiver } from './support/webhook-receiver';

interface Endpoint {
  id: number;
  url: string;
  enabled: boolean;
  pausedDeliveries: number;
}

/**
 * The webhooks screen and what a disabled endpoint is owed (issue 22): the paused count,
 * "Enable and send paused", and "Discard paused" after a confirmation, in English and German.
 */
describe('panel: paused webhook deliveries', () => {
  let panel: PanelHarness;
  let test: PanelTestApp;
  let token: string;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    panel = await PanelHarness.start();
    test = panel.app;
    token = panel.adminToken;
  });

  afterEach(async () => {
    expect(await panel.closePages()).toEqual([]);
  });

  afterAll(async () => {
    await panel?.close();
    await receiver?.close();
  });

  /** A disabled endpoint for `events`: what they bring from now on waits as paused. */
  async function disabledEndpoint(path: string, events: string[]): Promise<Endpoint> {
    const created = await test
      .http()
      .post('/api/v1/webhooks')
      .set(bearer(token))
      .send({ url: receiver.url(path), events })
      .expect(201);
    const { id } = created.body as Endpoint;
    await setEnabled(id, false);
    return endpoint(id);
  }

  async function setEnabled(id: number, enabled: boolean): Promise<void> {
    await test
      .http()
      .patch(`/api/v1/webhooks/${id}`)
      .set(bearer(token))
      .send({ enabled })
      .expect(200);
  }

  async function endpoint(id: number): Promise<Endpoint> {
    return (await test.http().get(`/api/v1/webhooks/${id}`).set(bearer(token)).expect(200))
      .body as Endpoint;
  }

  /** Waits until the relay has made `count` deliveries paused for the endpoint. */
  async function expectPaused(id: number, count: number): Promise<void> {
    const paused = async () => (await endpoint(id)).pausedDeliveries;
    expect(await eventually(paused, count, 30_000)).toBe(count);
  }

  async function openWebhooks(locale = 'en-US'): Promise<Page> {
    const page = await panel.open({ locale });
    const german = locale.startsWith('de');
    const labels = german ? GERMAN_LOGIN : undefined;
    await logInThroughPanel(page, test.baseUrl, ADMIN.username, ADMIN.password, labels);
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await page
      .getByRole('heading', { name: german ? 'Webhook-Endpunkte' : 'Webhook endpoints' })
      .waitFor();
    return page;
  }

  it('shows what a disabled endpoint keeps, discards it after a confirmation naming the count, and the audit trail records it', async () => {
    const hook = await disabledEndpoint('/discarded', ['customer.suspended']);
    const ids = await seedCustomers(test, 1234, 1, 1);
    const job = await waitForJob(test, token, await postBulk(test, token, 'suspend', ids));
    expect(job.succeeded).toBe(1234);
    await expectPaused(hook.id, 1234);

    // In German first: the count in German digits, the actions in German words.
    const german = await openWebhooks('de-DE');
    const germanRow = german.locator(`tr[data-webhook-id="${hook.id}"]`);
    await germanRow.getByText('1.234 Zustellungen angehalten').waitFor();
    await germanRow.getByRole('button', { name: 'Aktivieren und Angehaltene senden' }).waitFor();
    await germanRow.getByRole('button', { name: 'Angehaltene verwerfen' }).click();
    await german
      .getByRole('dialog', { name: '1.234 angehaltene Zustellungen verwerfen?' })
      .waitFor();

    const page = await openWebhooks();
    const row = page.locator(`tr[data-webhook-id="${hook.id}"]`);
    await row.getByText('Disabled').waitFor();
    await row.getByText('1,234 deliveries paused').waitFor();
    await row.getByRole('button', { name: 'Enable and send paused' }).waitFor();
    await row.getByRole('button', { name: 'Discard paused' }).click();
    let dialog = page.getByRole('dialog', { name: 'Discard 1,234 paused deliveries?' });
    expect(await dialog.textContent()).toContain(hook.url);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect((await endpoint(hook.id)).pausedDeliveries).toBe(1234);

    await row.getByRole('button', { name: 'Discard paused' }).click();
    dialog = page.getByRole('dialog', { name: 'Discard 1,234 paused deliveries?' });
    await dialog.getByRole('button', { name: 'Discard paused' }).click();
    await page.getByRole('status').getByText('1,234 paused deliveries discarded.').waitFor();
    await row.getByText('0 deliveries paused').waitFor();
    expect(await row.getByRole('button', { name: 'Discard paused' }).count()).toBe(0);
    expect((await endpoint(hook.id)).pausedDeliveries).toBe(0);

    const audit = await test
      .http()
      .get(`/api/v1/audit?objectType=webhook&objectId=${hook.id}`)
      .set(bearer(token))
      .expect(200);
    expect((audit.body as { items: unknown[] }).items).toEqual([
      expect.objectContaining({
        type: 'webhook.paused_discarded',
        actor: expect.stringMatching(/^admin:\d+$/),
        data: { webhook: { id: hook.id, url: hook.url, discarded: 1234 } },
      }),
    ]);

    // With nothing paused the button only enables; a customer's next suspension then arrives
    // alone: the one it would have waited behind was discarded, not sent.
    await row.getByRole('button', { name: 'Enable', exact: true }).click();
    await row.getByText('Enabled').waitFor();
    await test.http().post(`/api/v1/customers/${ids[0]}/activate`).set(bearer(token)).expect(200);
    await test.http().post(`/api/v1/customers/${ids[0]}/suspend`).set(bearer(token)).expect(200);
    const [marker] = await receiver.waitFor((all) => all.some((d) => d.path === '/discarded'));
    expect(receiver.deliveries('/discarded')).toHaveLength(1);
    expect(marker.message.data.objectId).toBe(ids[0]);
  });

  it('enables an endpoint and sends what it kept, in order', async () => {
    const hook = await disabledEndpoint('/resumed', ['customer.created']);
    const customers: CreatedCustomer[] = [];
    for (const name of ['Ada', 'Ben', 'Cleo'])
      customers.push(await createCustomer(test, token, { name }));
    await expectPaused(hook.id, 3);

    const page = await openWebhooks();
    const row = page.locator(`tr[data-webhook-id="${hook.id}"]`);
    await row.getByText('3 deliveries paused').waitFor();
    await row.getByRole('button', { name: 'Enable and send paused' }).click();
    await page
      .getByRole('status')
      .getByText(`Endpoint ${hook.url} is enabled: its paused deliveries are being sent in order.`)
      .waitFor();
    await row.getByText('Enabled').waitFor();
    expect(await row.locator('.paused-count').count()).toBe(0);

    const arrived = await receiver.waitFor(
      () => receiver.deliveries('/resumed').length === customers.length,
    );
    expect(
      arrived.filter((d) => d.path === '/resumed').map((d) => d.message.data.objectId),
    ).toEqual(customers.map((customer) => customer.id));
  });

  it('shows the problem when the endpoint was enabled meanwhile', async () => {
    const hook = await disabledEndpoint('/conflict', ['customer.created']);
    await createCustomer(test, token, { name: 'Dora' });
    await expectPaused(hook.id, 1);

    const page = await openWebhooks();
    const row = page.locator(`tr[data-webhook-id="${hook.id}"]`);
    await row.getByText('1 delivery paused').waitFor();
    await row.getByRole('button', { name: 'Discard paused' }).click();
    const dialog = page.getByRole('dialog', { name: 'Discard 1 paused delivery?' });
    await dialog.waitFor();
    // Another administrator enables it while this one reads the warning.
    await setEnabled(hook.id, true);
    await dialog.getByRole('button', { name: 'Discard paused' }).click();
    await page
      .getByRole('alert')
      .getByText(
        `The request conflicts with the current state. Webhook ${hook.id} is enabled: only a disabled endpoint has paused deliveries.`,
      )
      .waitFor();
    await row.getByText('Enabled').waitFor();
    await receiver.waitFor(() => receiver.deliveries('/conflict').length === 1);
  });

  it('says why the service disabled an endpoint', async () => {
    receiver.on('/gone', () => ({ status: 410 }));
    const created = await test
      .http()
      .post('/api/v1/webhooks')
      .set(bearer(token))
      .send({ url: receiver.url('/gone'), events: ['customer.created'] })
      .expect(201);
    const { id } = created.body as Endpoint;
    await createCustomer(test, token);
    const enabled = async () => (await endpoint(id)).enabled;
    expect(await eventually(enabled, false, 30_000)).toBe(false);

    const page = await openWebhooks();
    const row = page.locator(`tr[data-webhook-id="${id}"]`);
    await row.getByText('It answered 410 Gone, so the service disabled it.').waitFor();
    await row.getByText('Disabled', { exact: true }).waitFor();
  });
});
