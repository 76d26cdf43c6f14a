import { Browser, Page } from 'playwright-core';
import { bearer, loginAdmin } from './support/app';
import {
  eventually,
  launchBrowser,
  logInThroughPanel,
  newPanelPage,
  PanelPage,
  PanelTestApp,
  saveScreenshot,
  startPanelApp,
} from './support/browser';
import { ADMIN } from './support/database';
import { createCustomer, CreatedCustomer } from './support/factories';

// Evaluated in the page (strings: this project's TypeScript has no DOM library).
const FOCUSED_TEXT = "document.activeElement ? document.activeElement.textContent.trim() : ''";
const FOCUSED_OUTLINE = 'getComputedStyle(document.activeElement).outlineStyle';
const SIDEWAYS_OVERFLOW = 'document.documentElement.scrollWidth - window.innerWidth';

/**
 * The panel in a real browser (Debian's Chromium through playwright-core) against the whole
 * application on a real port, API and worker in one process so bulk jobs really run.
 */
describe('panel', () => {
  let test: PanelTestApp;
  let browser: Browser;
  let token: string;
  const pages: PanelPage[] = [];

  async function open(options: { width?: number; locale?: string } = {}): Promise<Page> {
    const opened = await newPanelPage(browser, options);
    pages.push(opened);
    return opened.page;
  }

  /** A customer with one subscription whose main domain is `<tag>.example`, and a second domain. */
  async function customerWithDomains(
    name: string,
    tag: string,
    overrides: Record<string, unknown> = {},
  ): Promise<CreatedCustomer> {
    const customer = await createCustomer(test, token, { name, ...overrides });
    const subscription = await test
      .http()
      .post('/api/v1/subscriptions')
      .set(bearer(token))
      .send({ customerId: customer.id, name: `${tag}.example`, plan: 'Unlimited' })
      .expect(201);
    await test
      .http()
      .post('/api/v1/domains')
      .set(bearer(token))
      .send({
        subscriptionId: (subscription.body as { id: number }).id,
        name: `www-${tag}.example`,
      })
      .expect(201);
    return customer;
  }

  async function domainStatuses(customerId: number): Promise<string[]> {
    const response = await test
      .http()
      .get(`/api/v1/domains?customerId=${customerId}`)
      .set(bearer(token))
      .expect(200);
    return (response.body as { items: Array<{ status: string }> }).items.map(
      (domain) => domain.status,
    );
  }

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

  beforeAll(async () => {
    test = await startPanelApp();
    browser = await launchBrowser();
    token = await loginAdmin(test);
  });

  afterEach(async () => {
    const errors = pages.flatMap((opened) => opened.errors);
    await Promise.all(pages.splice(0).map((opened) => opened.context.close()));
    expect(errors.map(String)).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await test?.close();
  });

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
    const page = await open();
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
      await customerWithDomains('Alice Suspendme', 'alice'),
      await customerWithDomains('Bob Suspendme', 'bob'),
      await customerWithDomains('Carol Suspendme', 'carol'),
    ];
    const page = await open();
    await logInThroughPanel(page, test.baseUrl, ADMIN.username, ADMIN.password);
    await search(page, 'Suspendme', 3);

    await check(page, ['Alice Suspendme', 'Bob Suspendme', 'Carol Suspendme']);
    await page.getByText('3 selected').waitFor();
    await page.getByRole('button', { name: 'Change status' }).click();
    await page.getByRole('menuitem', { name: 'Suspend' }).click();

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
      expect(await domainStatuses(customer.id)).toEqual(['suspended', 'suspended']);

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
      expect(await domainStatuses(customer.id)).toEqual(['active', 'active']);
  });

  it('removes a checked customer only after warning that its subscriptions and domains will be deleted', async () => {
    const doomed = await customerWithDomains('Dave Removeme', 'dave');
    const page = await open();
    await logInThroughPanel(page, test.baseUrl, ADMIN.username, ADMIN.password);
    await check(page, ['Dave Removeme']);
    await page.getByRole('button', { name: 'Remove' }).click();

    const dialog = page.getByRole('dialog', { name: 'Remove 1 customers?' });
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
    expect(await domainStatuses(doomed.id)).toEqual([]);
    await page
      .locator(`table.customers tr[data-customer-id="${doomed.id}"]`)
      .waitFor({ state: 'detached' });
  });

  it('shows a customer page with subscriptions and domains, and saves an edit of the contact data', async () => {
    const customer = await customerWithDomains('Erin Pagecheck', 'erin', {
      company: 'Erin Hosting AG',
      additionalInfo: 'Plan renewal in May.',
      description: 'VIP, call before suspending.',
    });
    const page = await open();
    await logInThroughPanel(page, test.baseUrl, ADMIN.username, ADMIN.password);
    await page.getByRole('link', { name: 'Erin Pagecheck' }).click();
    await page.locator('tr[data-domain-name="www-erin.example"]').waitFor();
    expect(await page.locator('tr[data-subscription-id]').textContent()).toContain('erin.example');
    await page.getByRole('heading', { name: 'Audit trail' }).waitFor();
    await page.locator('table.audit tbody tr').first().waitFor();
    await saveScreenshot(page, 'customer-page-en');

    await page.getByLabel('City').fill('Hamburg');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved.').waitFor();
    // The audit trail names what happened in words, with who did it.
    await page.locator('table.audit').getByText('Customer changed').waitFor();
    expect(await page.locator('table.audit').textContent()).toContain(
      'Customer createdAdministrator 1',
    );
    expect(await page.locator('table.audit').textContent()).toContain('Domain www-erin.example');
    const saved = await test
      .http()
      .get(`/api/v1/customers/${customer.id}`)
      .set(bearer(token))
      .expect(200);
    expect(saved.body).toEqual(
      expect.objectContaining({ city: 'Hamburg', description: 'VIP, call before suspending.' }),
    );

    // Suspending from the customer's own page: one customer, synchronously.
    await page.locator('.toolbar').getByRole('button', { name: 'Suspend' }).click();
    await page.locator('.toolbar').getByRole('button', { name: 'Activate' }).waitFor();
    await page.locator('tr[data-domain-name="www-erin.example"]').getByText('Suspended').waitFor();
    expect(await domainStatuses(customer.id)).toEqual(['suspended', 'suspended']);
  });

  it("manages a customer's subscriptions and domains on the customer page", async () => {
    await customerWithDomains('Ivy Services', 'ivy');
    const page = await open();
    await logInThroughPanel(page, test.baseUrl, ADMIN.username, ADMIN.password);
    await page.getByRole('link', { name: 'Ivy Services' }).click();
    const subscriptionRow = page.locator('tr[data-subscription-id]');
    const mainDomainRow = page.locator('tr[data-domain-name="ivy.example"]');
    await mainDomainRow.waitFor();

    await page.getByRole('button', { name: 'Suspend ivy.example' }).first().click();
    await subscriptionRow.getByText('Suspended (suspended by an administrator)').waitFor();
    await mainDomainRow.getByText('Suspended (subscription suspended)').waitFor();
    await subscriptionRow.getByRole('button', { name: 'Activate ivy.example' }).click();
    await mainDomainRow.getByText('Active').waitFor();

    await page.getByLabel('Domain name (required)').fill('shop-ivy.example');
    await page.getByRole('button', { name: 'Add domain' }).click();
    await page.locator('tr[data-domain-name="shop-ivy.example"]').waitFor();

    const wwwRow = page.locator('tr[data-domain-name="www-ivy.example"]');
    await wwwRow.getByRole('button', { name: 'Remove www-ivy.example' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
    await wwwRow.waitFor({ state: 'detached' });
    expect(await page.locator('tr[data-domain-id]').count()).toBe(2);
  });

  it('shows a customer its additional information and never the description', async () => {
    const customer = await customerWithDomains('Frank Selfservice', 'frank', {
      additionalInfo: 'Your FTP host is ftp.frank.example.',
      description: 'Staff note: pays late.',
    });
    const page = await open();
    await logInThroughPanel(page, test.baseUrl, customer.username, customer.password);
    await page.getByRole('heading', { name: 'Account of Frank Selfservice' }).waitFor();
    await page.locator('tr[data-domain-name="www-frank.example"]').waitFor();
    const text = (await page.locator('body').textContent()) ?? '';
    expect(text).toContain('Your FTP host is ftp.frank.example.');
    expect(text).not.toContain('Staff note');
    await saveScreenshot(page, 'customer-account-en');
    expect(text).not.toContain('Customers');
    // A customer gets no management buttons.
    expect(await page.getByRole('button', { name: /^Suspend/ }).count()).toBe(0);

    // Changing the password needs the current one; a wrong one is refused beside its field.
    await page.getByLabel(/^Current password/).fill('not-my-password');
    await page.getByLabel(/^New password/).fill('a-brand-new-password-2');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page
      .locator('#account-currentPassword-error')
      .getByText('The current password is wrong.')
      .waitFor();
    await page.getByLabel(/^Current password/).fill(customer.password);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Your password was changed.').waitFor();
    await test
      .http()
      .post('/api/v1/auth/login')
      .send({ username: customer.username, password: 'a-brand-new-password-2' })
      .expect(200);
  });

  it('shows a suspended customer a clear message at login', async () => {
    const customer = await createCustomer(test, token, { name: 'Gina Suspended' });
    await test
      .http()
      .post(`/api/v1/customers/${customer.id}/suspend`)
      .set(bearer(token))
      .expect(200);
    const page = await open();
    await logInThroughPanel(page, test.baseUrl, customer.username, customer.password);
    const alert = page.getByRole('alert');
    await alert.getByText('Your account is suspended.').waitFor();
    expect(await alert.textContent()).toContain(
      'You cannot log in until your provider activates it again.',
    );
  });

  it('pages through the list and filters it by status', async () => {
    for (let index = 1; index <= 12; index += 1)
      await createCustomer(test, token, { name: `Pager ${String(index).padStart(2, '0')}` });
    const late = await createCustomer(test, token, { name: 'Pager Suspended' });
    await test.http().post(`/api/v1/customers/${late.id}/suspend`).set(bearer(token)).expect(200);
    const page = await open();
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
    const page = await open();
    await logInThroughPanel(page, test.baseUrl, ADMIN.username, ADMIN.password);
    const checkbox = page.getByRole('checkbox', { name: 'Select Hank Keyboard' });
    await checkbox.focus();
    await page.keyboard.press('Space');
    expect(await checkbox.isChecked()).toBe(true);
    expect(await page.evaluate<string>(FOCUSED_OUTLINE)).toBe('solid');

    const focusedText = () => page.evaluate<string>(FOCUSED_TEXT);
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
    const opened = await newPanelPage(browser, { width: 390, height: 844 });
    pages.push(opened);
    const { page } = opened;
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

  it('says "Wrong username or password" in words', async () => {
    const page = await open();
    await logInThroughPanel(page, test.baseUrl, ADMIN.username, 'not-the-password');
    await page.getByRole('alert').getByText('Wrong username or password.').waitFor();
  });
});
