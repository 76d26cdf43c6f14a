import { ConsoleMessage, Page } from 'playwright-core';
import { logInThroughPanel, PanelHarness, PanelTestApp, saveScreenshot } from './support/browser';
import { ADMIN } from './support/database';
import { createCustomer } from './support/factories';

const QUEUES = ['bulk-jobs', 'webhook-delivery', 'maintenance'];

/** Content Security Policy violations the page reported, but for Bull Board's Google web font (blocked on purpose). */
function cspViolations(page: Page): string[] {
  const violations: string[] = [];
  page.on('console', (message: ConsoleMessage) => {
    const text = message.text();
    if (/Content Security Policy/i.test(text) && !text.includes('fonts.googleapis.com'))
      violations.push(text);
  });
  return violations;
}

/** The queue dashboard (Bull Board) in Chromium, opened from the panel's header. */
describe('panel: queue dashboard', () => {
  let panel: PanelHarness;
  let test: PanelTestApp;

  beforeAll(async () => {
    panel = await PanelHarness.start();
    test = panel.app;
  });

  afterEach(async () => {
    expect(await panel.closePages()).toEqual([]);
  });

  afterAll(async () => {
    await panel?.close();
  });

  it('opens from the header for an administrator and shows every queue', async () => {
    const page = await panel.open();
    const violations = cspViolations(page);
    await logInThroughPanel(page, test.baseUrl, ADMIN.username, ADMIN.password);
    const link = page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', {
      name: 'Queues',
    });
    await link.click();
    await page.waitForURL(`${test.baseUrl}/admin/queues`);
    for (const queue of QUEUES)
      await page.getByText(queue, { exact: true }).first().waitFor({ timeout: 15_000 });
    await saveScreenshot(page, 'queue-dashboard');
    expect(violations).toEqual([]);
  });

  it('names the link in German too', async () => {
    const page = await panel.open({ locale: 'de-DE' });
    await logInThroughPanel(page, test.baseUrl, ADMIN.username, ADMIN.password, {
      username: 'Benutzername',
      password: 'Passwort',
      logIn: 'Anmelden',
    });
    await page
      .getByRole('navigation', { name: 'Hauptnavigation' })
      .getByRole('link', { name: 'Warteschlangen' })
      .waitFor();
  });

  it('is refused to a customer, who has no link to it either', async () => {
    const customer = await createCustomer(test, panel.adminToken, { name: 'Quinn Queuecurious' });
    const page = await panel.open();
    await logInThroughPanel(page, test.baseUrl, customer.username, customer.password);
    await page.getByRole('navigation', { name: 'Main navigation' }).waitFor();
    expect(await page.getByRole('link', { name: 'Queues' }).count()).toBe(0);
    const response = await page.goto(`${test.baseUrl}/admin/queues`);
    expect(response?.status()).toBe(403);
  });

  it('sends someone not logged in to the login', async () => {
    const page = await panel.open();
    await page.goto(`${test.baseUrl}/admin/queues`);
    expect(page.url()).toBe(`${test.baseUrl}/`);
    await page.getByRole('button', { name: 'Log in' }).waitFor();
  });
});
