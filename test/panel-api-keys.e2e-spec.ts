import { Page } from 'playwright-core';
import { bearer } from './support/app';
import { logInThroughPanel, PanelHarness, PanelTestApp } from './support/browser';
import { ADMIN } from './support/database';

interface ListedKey {
  id: number;
  name: string;
  access: string;
  allowedIps: string[] | null;
}

/** The API keys screen: create (the key shown once, with a copy button), list, revoke. */
describe('panel API keys', () => {
  let panel: PanelHarness;
  let test: PanelTestApp;
  let page: Page;

  beforeAll(async () => {
    panel = await PanelHarness.start();
    test = panel.app;
    page = await panel.open();
  });

  afterAll(async () => {
    expect(await panel.closePages()).toEqual([]);
    await panel?.close();
  });

  async function listed(): Promise<ListedKey[]> {
    const response = await test
      .http()
      .get('/api/v1/api-keys')
      .set(bearer(panel.adminToken))
      .expect(200);
    return response.body as ListedKey[];
  }

  it('creates a key and shows it once, with a copy button', async () => {
    await logInThroughPanel(page, test.baseUrl, ADMIN.username, ADMIN.password);
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByRole('heading', { name: 'API keys', exact: true }).waitFor();
    await page.getByText('No API keys.').waitFor();

    await page.getByLabel(/^Name/).fill('Billing system');
    await page.getByLabel(/^Allowed addresses/).fill('127.0.0.1, 300.0.0.1');
    await page.getByRole('button', { name: 'Create API key' }).click();
    await page.locator('#api-key-ips-error').waitFor();
    expect(await listed()).toEqual([]);

    await page.getByLabel(/^Allowed addresses/).fill('127.0.0.1, 2001:db8::/32');
    await page.getByLabel('Access').selectOption('read-only');
    await page.getByRole('button', { name: 'Create API key' }).click();

    const shown = page.getByRole('textbox', { name: 'New API key' });
    await shown.waitFor();
    const key = await shown.inputValue();
    expect(key).toMatch(/^ck_[A-Za-z0-9_-]{43}$/);
    await page.getByRole('button', { name: 'Copy' }).click();
    await page.getByText('Copied.').waitFor();

    const [created] = await listed();
    expect(created).toMatchObject({
      name: 'Billing system',
      access: 'read-only',
      allowedIps: ['127.0.0.1', '2001:db8::/32'],
    });
    const row = page.locator(`tr[data-api-key-id="${created.id}"]`);
    expect(await row.textContent()).toContain('Read only');
    expect(await row.textContent()).toContain('127.0.0.1, 2001:db8::/32');
    // The key shown is the key that works.
    await test.http().get('/api/v1/customers').set('X-API-Key', key).expect(200);

    // Dismissed, it is gone for good: the list never shows it.
    await page.getByRole('button', { name: 'Dismiss' }).click();
    await page.reload();
    await row.waitFor();
    expect(await page.getByRole('textbox', { name: 'New API key' }).count()).toBe(0);
    expect(await page.content()).not.toContain(key);
  });

  it('shows the screen in German', async () => {
    await page.getByRole('combobox', { name: 'Language' }).selectOption('de');
    await page.getByRole('heading', { name: 'API-Schlüssel', exact: true }).waitFor();
    await page.getByRole('button', { name: 'API-Schlüssel erstellen' }).waitFor();
    expect(await page.locator('tr[data-api-key-id]').first().textContent()).toContain('Nur lesen');
    await page.getByRole('combobox', { name: 'Sprache' }).selectOption('en');
    await page.getByRole('heading', { name: 'API keys', exact: true }).waitFor();
  });

  it('revokes a key after confirmation; it stops working at once', async () => {
    const [created] = await listed();
    const issued = await test
      .http()
      .post('/api/v1/api-keys')
      .set(bearer(panel.adminToken))
      .send({ name: 'Monitoring' })
      .expect(201);
    await page.reload();
    const row = page.locator(`tr[data-api-key-id="${issued.body.id}"]`);
    await row.getByRole('button', { name: 'Revoke' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.textContent()).toContain('Monitoring');
    await dialog.getByRole('button', { name: 'Revoke' }).click();
    await row.waitFor({ state: 'detached' });
    expect((await listed()).map((key) => key.id)).toEqual([created.id]);
    await test.http().get('/api/v1/customers').set('X-API-Key', issued.body.key).expect(401);
  });
});
