import { Page } from 'playwright-core';
import { bearer } from './support/app';
import {
  eventually,
  logInThroughPanel,
  PanelHarness,
  PanelTestApp,
  saveScreenshot,
} from './support/browser';
import { ADMIN } from './support/database';
import { createCustomer } from './support/factories';

// Evaluated in the page (strings: this project's TypeScript has no DOM library).
const FOCUSED_TEXT = "document.activeElement ? document.activeElement.textContent.trim() : ''";
const FOCUSED_OUTLINE = 'getComputedStyle(document.activeElement).outlineStyle';
const SIDEWAYS_OVERFLOW = 'document.documentElement.scrollWidth - window.innerWidth';

/**
 * The administrator's customer list in a real browser (Debian's Chromium through playwright-core)
 * against the whole application on a real port, API and worker in one process so bulk jobs run.
 */
describe('panel: customer list', () => {
  let panel: PanelHarness;
  let test: PanelTestApp;
  let token: string;

  beforeAll(async () => {
    panel = await PanelHarness.start();
    test = panel.app;
    token = panel.adminToken;
  });

  afterEach(async () => {
    expect(await panel.closePages()).toEqual([]);
  });

  afterAll(async () => {
    await panel?.close();
  });

  async function waitForJob(
    page: Page,
    state: 'completed' | 'failed' = 'completed',
  ): Promise<string> {
    const job = page.locator(`section.job[data-job-state="${state}"]`);
    await job.waitFor({ timeout: 30_000 });
    return (await job.textContent()) ?? '';
  }

  /** Searches the list and waits until it shows exactly `rows` customers. */
  async function search(page: Page, text: string, rows: number): Promise<void> {
    await page.getByRole('searchbox', { name: 'Search' }).fill(text);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    expect(
      await eventually(() => page.locator('table.customers tr[data-customer-id]').count(), rows),
    ).toBe(rows);
  }

  async function check(page: Page, names: string[]): Promise<void> {
    for (const name of names) await page.getByRole('checkbox', { name: `Select ${name}` }).check();
  }

  it('serves the panel at / without shadowing the API, its docs or health', async () => {
    const index = await test.http().get('/').expect(200);
    expect(index.headers['content-type']).toMatch(/text\/html/);
    expect(index.headers['content-security-policy']).toContain("default-src 'self'");
    await test.http().get('/health/live').expect(200);
    await test.http().get('/api/docs-json').expect(200);
    const missing = await test.http().get('/api/v1/no-such-thing').expect(404);
    expect(missing.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it("lets an administrator add a customer, showing the API's field error beside the field first", async () => {
    const page = await panel.open();
    await logInThroughPanel(page, test.baseUrl, ADMIN.username, ADMIN.password);
    await page.getByRole('heading', { name: 'Customers' }).waitFor();
    await page.getByRole('link', { name: 'Add customer' }).click();
    await page.getByRole('heading', { name: 'Add customer' }).waitFor();

    await page.getByLabel('Contact name').fill('Jane Newcomer');
    await page.getByLabel('Company name').fill('Newcomer GmbH');
    await page.getByLabel('Email').fill('jane@newcomer.example');
    await page.getByLabel('Username').fill('jnewcomer');
    await page.getByLabel(/^Password/).fill('jnewcomer-secret');
    await page.getByLabel('Additional information').fill('Your web space: 10 GB.');
    await page.getByLabel('Description').fill('Referred by a partner.');
    await page.getByRole('button', { name: 'Add customer' }).click();

    // The API refuses a password that contains the username; the panel says so beside the field.
    const passwordError = page.locator('#customer-password-error');
    await passwordError.waitFor();
    expect(await passwordError.textContent()).toContain('must not contain the username');
    expect(await page.getByLabel(/^Password/).getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByRole('alert').first().textContent()).toContain(
      'Please correct the marked fields.',
    );
    await page.getByText('Visible to the customer.').waitFor();
    expect(
      await page.getByText('Visible to staff only: the customer never sees it.').isVisible(),
    ).toBe(true);
    await saveScreenshot(page, 'add-customer-en');

    await page.getByRole('button', { name: 'Generate' }).click();
    const generated = await page.getByLabel(/^Password/).inputValue();
    expect(generated).toHaveLength(16);
    expect(await page.locator('.strength').textContent()).toContain('strong');
    await page.getByRole('button', { name: 'Add customer' }).click();

    await page.getByRole('heading', { name: /Jane Newcomer/ }).waitFor();
    expect(page.url()).toMatch(/#\/customers\/\d+$/);
    const created = await test
      .http()
      .get('/api/v1/customers?q=jnewcomer')
      .set(bearer(token))
      .expect(200);
    expect(created.body.items).toEqual([
      expect.objectContaining({
        username: 'jnewcomer',
        additionalInfo: 'Your web space: 10 GB.',
        description: 'Referred by a partner.',
      }),
    ]);
  });

  it('suspends three checked customers through "Change status", shows the job finish and their domains suspended, then activates them', async () => {
    const trio = [
      await panel.customerWithDomains('Alice Suspendme', 'alice'),
      await panel.customerWithDomains('Bob Suspendme', 'bob'),
      await panel.customerWithDomains('Carol Suspendme', 'carol'),
    ];
    const page = await panel.open();
    await logInThroughPanel(page, test.baseUrl, ADMIN.username, ADMIN.password);
    await search(page, 'Suspendme', 3);

    await check(page, ['Alice Suspendme', 'Bob Suspendme', 'Carol Suspendme']);
    await page.getByText('3 selected').waitFor();
    await page.getByRole('button', { name: 'Change status' }).click();
    await page.getByRole('menuitem', { name: 'Suspend' }).click();
    // The dialog asks for a reason and an optional time; without a time it suspends now.
    const suspendDialog = page.getByRole('dialog', { name: 'Suspend 3 customers?' });
    await suspendDialog.getByLabel('Reason').fill('Overdue invoices');
    await suspendDialog.getByRole('button', { name: 'Suspend' }).click();

    const finished = await waitForJob(page);
    expect(finished).toContain('3 of 3 processed: 3 succeeded, 0 failed');
    for (const customer of trio)
      expect(
        await page.locator(`.outcomes tr[data-customer-id="${customer.id}"]`).textContent(),
      ).toContain('Suspended');
    // The list reloads: every row now shows the status, and the selection is cleared.
    await page.locator('tr[data-customer-id] .status-suspended').nth(2).waitFor();
    expect(await page.locator('tbody input[type=checkbox]:checked').count()).toBe(0);
    await saveScreenshot(page, 'customer-list-en');
    for (const customer of trio)
      expect(await panel.domainStatuses(customer.id)).toEqual(['suspended', 'suspended']);

    // The customer page shows the subscription and its domains suspended, with the reasons.
    await page.getByRole('link', { name: 'Alice Suspendme' }).click();
    const domainRow = page.locator('tr[data-domain-name="www-alice.example"]');
    await domainRow.waitFor();
    expect(await domainRow.textContent()).toMatch(/Suspended \(subscription suspended\)/);
    expect(await page.locator('tr[data-subscription-id]').textContent()).toMatch(
      /Suspended \(customer suspended\)/,
    );
    await page.getByRole('link', { name: 'Customers' }).first().click();

    await search(page, 'Suspendme', 3);
    await page.getByRole('checkbox', { name: 'Select all customers on this page' }).check();
    await page.getByRole('button', { name: 'Change status' }).click();
    await page.getByRole('menuitem', { name: 'Activate' }).click();
    expect(await waitForJob(page)).toContain('3 of 3 processed: 3 succeeded, 0 failed');
    await page.locator('tr[data-customer-id] .status-active').nth(2).waitFor();
    for (const customer of trio)
      expect(await panel.domainStatuses(customer.id)).toEqual(['active', 'active']);
  });

  it('removes a checked customer only after warning that its subscriptions and domains will be deleted', async () => {
    const doomed = await panel.customerWithDomains('Dave Removeme', 'dave');
    const page = await panel.open();
    await logInThroughPanel(page, test.baseUrl, ADMIN.username, ADMIN.password);
    await check(page, ['Dave Removeme']);
    await page.getByRole('button', { name: 'Remove' }).click();

    const dialog = page.getByRole('dialog', { name: 'Remove 1 customer?' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain(
      'All subscriptions and domains of these customers will be deleted.',
    );
    // Cancel first: nothing happens.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await test.http().get(`/api/v1/customers/${doomed.id}`).set(bearer(token)).expect(200);

    await page.getByRole('button', { name: 'Remove' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
    const finished = await waitForJob(page);
    expect(finished).toContain('Removed');
    await test.http().get(`/api/v1/customers/${doomed.id}`).set(bearer(token)).expect(404);
    expect(await panel.domainStatuses(doomed.id)).toEqual([]);
    await page
      .locator(`table.customers tr[data-customer-id="${doomed.id}"]`)
      .waitFor({ state: 'detached' });
  });

  it('pages through the list and filters it by status', async () => {
    for (let index = 1; index <= 12; index += 1)
      await createCustomer(test, token, { name: `Pager ${String(index).padStart(2, '0')}` });
    const late = await createCustomer(test, token, { name: 'Pager Suspended' });
    await test.http().post(`/api/v1/customers/${late.id}/suspend`).set(bearer(token)).expect(200);
    const page = await panel.open();
    await logInThroughPanel(page, test.baseUrl, ADMIN.username, ADMIN.password);
    await page.getByRole('combobox', { name: 'Per page' }).selectOption('10');
    await search(page, 'Pager', 10);
    await page.getByRole('button', { name: /Next page/ }).click();
    expect(
      await eventually(() => page.locator('table.customers tr[data-customer-id]').count(), 3),
    ).toBe(3);
    await page.getByText('Page 2').waitFor();
    expect(await page.getByRole('button', { name: /Next page/ }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: /Previous page/ }).click();
    expect(
      await eventually(() => page.locator('table.customers tr[data-customer-id]').count(), 10),
    ).toBe(10);

    await page.getByRole('combobox', { name: 'Status' }).selectOption('suspended');
    expect(
      await eventually(() => page.locator('table.customers tr[data-customer-id]').count(), 1),
    ).toBe(1);
    expect(await page.locator('table.customers tbody').textContent()).toContain('Pager Suspended');
  });

  it('works by keyboard: the "Change status" menu opens with Enter, moves with arrows and closes with Escape; focus is visible', async () => {
    await createCustomer(test, token, { name: 'Hank Keyboard' });
    const page = await panel.open();
    await logInThroughPanel(page, test.baseUrl, ADMIN.username, ADMIN.password);
    const focusedText = () => page.evaluate<string>(FOCUSED_TEXT);
    const checkbox = page.getByRole('checkbox', { name: 'Select Hank Keyboard' });
    await checkbox.waitFor();
    // The first Tab reaches the skip link, which takes the keyboard past the navigation.
    await page.locator('body').focus();
    await page.keyboard.press('Tab');
    expect(await eventually(focusedText, 'Skip to content')).toBe('Skip to content');
    await checkbox.focus();
    await page.keyboard.press('Space');
    expect(await checkbox.isChecked()).toBe(true);
    expect(await page.evaluate<string>(FOCUSED_OUTLINE)).toBe('solid');

    const menuButton = page.getByRole('button', { name: 'Change status' });
    await menuButton.focus();
    await page.keyboard.press('Enter');
    const suspend = page.getByRole('menuitem', { name: 'Suspend' });
    await suspend.waitFor();
    expect(await eventually(focusedText, 'Suspend')).toBe('Suspend');
    await page.keyboard.press('ArrowDown');
    expect(await eventually(focusedText, 'Activate')).toBe('Activate');
    await page.keyboard.press('Escape');
    await suspend.waitFor({ state: 'detached' });
    expect(await eventually(focusedText, 'Change status ▾')).toBe('Change status ▾');
  });

  it('fits a 390 px phone screen without sideways scrolling', async () => {
    const page = await panel.open({ width: 390, height: 844 });
    await logInThroughPanel(page, test.baseUrl, ADMIN.username, ADMIN.password);
    await page.locator('table.customers tr[data-customer-id]').first().waitFor();
    const overflow = await page.evaluate<number>(SIDEWAYS_OVERFLOW);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.getByRole('button', { name: 'Change status' }).waitFor();
    await saveScreenshot(page, 'customer-list-phone-en');
    await page.getByRole('link', { name: 'Add customer' }).click();
    await page.getByRole('heading', { name: 'Add customer' }).waitFor();
    expect(await page.evaluate<number>(SIDEWAYS_OVERFLOW)).toBeLessThanOrEqual(0);
  });
});
