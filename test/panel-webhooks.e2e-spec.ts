import { Page } from 'playwright-core';
import { bearer } from './support/app';
import { eventually, logInThroughPanel, PanelHarness, PanelTestApp } from './support/browser';
import { ADMIN } from './support/database';
import { createCustomer } from './support/factories';
import { WebhookReceiver } from './support/webhook-receiver';

/** The webhook endpoints screen: add (secret shown once), enable/disable, deliveries, resend, recover, remove. */
describe('panel webhooks', () => {
  let panel: PanelHarness;
  let test: PanelTestApp;
  let token: string;
  // One page for both tests: the second goes on where the first left off.
  let page: Page;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    panel = await PanelHarness.start();
    test = panel.app;
    token = panel.adminToken;
    page = await panel.open();
  });

  afterAll(async () => {
    expect(await panel.closePages()).toEqual([]);
    await panel?.close();
    await receiver?.close();
  });

  async function webhooks(): Promise<Array<{ id: number; url: string; enabled: boolean }>> {
    const response = await test.http().get('/api/v1/webhooks').set(bearer(token)).expect(200);
    return (response.body as { items: Array<{ id: number; url: string; enabled: boolean }> }).items;
  }

  it('adds an endpoint and shows its secret once, with a copy button', async () => {
    await logInThroughPanel(page, test.baseUrl, ADMIN.username, ADMIN.password);
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await page.getByRole('heading', { name: 'Webhook endpoints' }).waitFor();
    await page.getByText('No webhook endpoints.').waitFor();

    await page.getByLabel(/^URL/).fill('not a url');
    await page.getByRole('button', { name: 'Add webhook endpoint' }).click();
    await page.locator('#webhook-url-error').waitFor();

    await page.getByLabel(/^URL/).fill('http://127.0.0.1:9/hooks/clientele');
    // The event types come from the catalog (GET /event-types), each with its description.
    const catalog = (await test.http().get('/api/v1/event-types').set(bearer(token)).expect(200))
      .body as Array<{ name: string; description: string }>;
    const types = page.getByRole('list', { name: 'Event types' });
    for (const type of catalog) {
      const box = types.getByRole('checkbox', { name: type.name, exact: true });
      expect(await box.isChecked()).toBe(true); // "All events" is the default
      expect(await box.getAttribute('aria-describedby')).toBeTruthy();
      // Backticked words are shown as code, without the backticks.
      await types.getByText(type.description.replaceAll('`', ''), { exact: true }).waitFor();
    }
    await page.getByRole('checkbox', { name: /^All events/ }).uncheck();
    await types.getByRole('checkbox', { name: 'customer.suspended', exact: true }).check();
    await types.getByRole('checkbox', { name: 'customer.activated', exact: true }).check();
    await page.getByLabel('Description').fill('Billing system');
    await page.getByRole('button', { name: 'Add webhook endpoint' }).click();

    const secret = page.getByRole('textbox', { name: 'Signing secret' });
    await secret.waitFor();
    expect(await secret.inputValue()).toMatch(/^whsec_/);
    await page.getByRole('button', { name: 'Copy' }).click();
    await page.getByText('Copied.').waitFor();
    const [endpoint] = await webhooks();
    expect(endpoint).toEqual(
      expect.objectContaining({ url: 'http://127.0.0.1:9/hooks/clientele', enabled: true }),
    );
    expect(await page.locator(`tr[data-webhook-id="${endpoint.id}"]`).textContent()).toContain(
      'customer.suspended, customer.activated',
    );

    // Once dismissed, the secret is gone for good: a reload does not show it again.
    await page.getByRole('button', { name: 'Dismiss' }).click();
    await page.reload();
    await page.locator(`tr[data-webhook-id="${endpoint.id}"]`).waitFor();
    expect(await page.getByRole('textbox', { name: 'Signing secret' }).count()).toBe(0);
  });

  it('disables and enables an endpoint and lists its deliveries', async () => {
    const [endpoint] = await webhooks();
    const row = page.locator(`tr[data-webhook-id="${endpoint.id}"]`);
    await row.getByRole('button', { name: 'Disable' }).click();
    await row.getByText('Disabled').waitFor();
    expect(await eventually(async () => (await webhooks())[0].enabled, false)).toBe(false);
    await row.getByRole('button', { name: 'Enable' }).click();
    await row.getByText('Enabled').waitFor();
    expect(await eventually(async () => (await webhooks())[0].enabled, true)).toBe(true);

    await row.getByRole('button', { name: 'Deliveries' }).click();
    await page
      .getByText(/No deliveries yet\.|HTTP status/)
      .first()
      .waitFor();
  });

  it('resends an event and recovers the failed events of a time window', async () => {
    const hook = (
      await test
        .http()
        .post('/api/v1/webhooks')
        .set(bearer(token))
        .send({ url: receiver.url('/panel'), events: ['customer.created'] })
        .expect(201)
    ).body as { id: number };
    const customer = await createCustomer(test, token);
    const [first] = await receiver.waitFor(() => receiver.deliveries('/panel').length === 1);
    const eventId = first.headers['webhook-id'];
    const arrivals = () => receiver.deliveries('/panel').length;
    expect(first.message.data.objectId).toBe(customer.id);

    await page.reload();
    const row = page.locator(`tr[data-webhook-id="${hook.id}"]`);
    await row.getByRole('button', { name: 'Deliveries' }).click();
    const attempt = page.locator(`tr[data-event-id="${eventId}"]`).first();
    await attempt.getByText('Succeeded').waitFor();
    await attempt.getByRole('button', { name: 'Resend' }).click();
    await page.getByText('1 event will be sent again.').waitFor();
    await receiver.waitFor(() => arrivals() === 2);
    expect(receiver.deliveries('/panel')[1].headers['webhook-id']).toBe(eventId);

    // As if its retries had been used up: the delivery ended failed.
    await test
      .em()
      .getConnection()
      .execute(
        `UPDATE event_delivery SET state = 'failed', next_attempt_at = NULL WHERE endpoint_id = ? AND event_id = ?`,
        [hook.id, eventId],
      );
    await page.getByLabel('Show').selectOption('failed');
    await page.locator(`tr[data-event-id="${eventId}"]`).first().getByText('Failed').waitFor();

    // A bad window is refused beside its field.
    await page.getByRole('button', { name: 'Recover' }).click();
    await page.locator(`#recover-since-${hook.id}-error`).waitFor();
    const hourAgo = new Date(Date.now() - 3_600_000);
    const local = (date: Date) =>
      new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await page.getByLabel('From').fill(local(hourAgo));
    await page.getByRole('button', { name: 'Recover' }).click();
    await page.getByText('1 event will be sent again.').waitFor();
    await receiver.waitFor(() => arrivals() === 3);
    expect(receiver.deliveries('/panel')[2].headers['webhook-id']).toBe(eventId);
    await test.http().delete(`/api/v1/webhooks/${hook.id}`).set(bearer(token)).expect(204);
  });

  it('removes an endpoint after confirmation', async () => {
    const [endpoint] = await webhooks();
    await page
      .locator(`tr[data-webhook-id="${endpoint.id}"]`)
      .getByRole('button', { name: 'Remove' })
      .click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.textContent()).toContain(endpoint.url);
    await dialog.getByRole('button', { name: 'Remove' }).click();
    await page.getByText('No webhook endpoints.').waitFor();
    expect(await webhooks()).toEqual([]);
  });
});
