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

/** The customer page (administrators) and a customer's own account, in a real browser. */
describe('panel: customer page and own account', () => {
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

  it('shows a customer page with subscriptions and domains, and saves an edit of the contact data', async () => {
    const customer = await panel.customerWithDomains('Erin Pagecheck', 'erin', {
      company: 'Erin Hosting AG',
      additionalInfo: 'Plan renewal in May.',
      description: 'VIP, call before suspending.',
    });
    const page = await panel.open();
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
    const dialog = page.getByRole('dialog', { name: /^Suspend customer/ });
    await dialog.getByLabel('Reason').fill('Chargeback on the last invoice');
    await dialog.getByRole('button', { name: 'Suspend' }).click();
    await page.locator('.toolbar').getByRole('button', { name: 'Activate' }).waitFor();
    // Staff see why, by whom and since when.
    await page.locator('.card.suspension').getByText('Chargeback on the last invoice').waitFor();
    expect(await page.locator('.card.suspension').textContent()).toMatch(
      /Suspended since .+ by Administrator 1/,
    );
    await page.locator('tr[data-domain-name="www-erin.example"]').getByText('Suspended').waitFor();
    expect(await panel.domainStatuses(customer.id)).toEqual(['suspended', 'suspended']);
  });

  it("manages a customer's subscriptions and domains on the customer page", async () => {
    await panel.customerWithDomains('Ivy Services', 'ivy');
    const page = await panel.open();
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

    // A name the API refuses: its reason beside the field and a line above the form; nothing added.
    const addDomain = page.locator('form[aria-labelledby="add-domain-title"]');
    await page.getByLabel('Domain name (required)').fill('not a domain');
    await page.getByRole('button', { name: 'Add domain' }).click();
    await addDomain.getByRole('alert').first().waitFor();
    await page.locator('#domain-name-error').waitFor();
    expect(await page.locator('tr[data-domain-id]').count()).toBe(2);

    await page.getByLabel('Domain name (required)').fill('shop-ivy.example');
    await page.getByRole('button', { name: 'Add domain' }).click();
    await page.locator('tr[data-domain-name="shop-ivy.example"]').waitFor();
    // Added: the form is empty again and its errors are gone.
    expect(await page.getByLabel('Domain name (required)').inputValue()).toBe('');
    expect(await page.locator('#domain-name-error').count()).toBe(0);

    const wwwRow = page.locator('tr[data-domain-name="www-ivy.example"]');
    await wwwRow.getByRole('button', { name: 'Remove www-ivy.example' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
    await wwwRow.waitFor({ state: 'detached' });
    expect(await page.locator('tr[data-domain-id]').count()).toBe(2);
  });

  it('shows a customer its additional information and never the description', async () => {
    const customer = await panel.customerWithDomains('Frank Selfservice', 'frank', {
      additionalInfo: 'Your FTP host is ftp.frank.example.',
      description: 'Staff note: pays late.',
    });
    const page = await panel.open();
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
    const page = await panel.open();
    await logInThroughPanel(page, test.baseUrl, customer.username, customer.password);
    const alert = page.getByRole('alert');
    await alert.getByText('Your account is suspended.').waitFor();
    expect(await alert.textContent()).toContain(
      'You cannot log in until your provider activates it again.',
    );
  });

  it('says "Wrong username or password" in words', async () => {
    const page = await panel.open();
    await logInThroughPanel(page, test.baseUrl, ADMIN.username, 'not-the-password');
    await page.getByRole('alert').getByText('Wrong username or password.').waitFor();
  });

  it('sends a customer whose account was suspended meanwhile back to the login, then says why', async () => {
    const customer = await createCustomer(test, token, { name: 'Jill Midsession' });
    const page = await panel.open();
    await logInThroughPanel(page, test.baseUrl, customer.username, customer.password);
    await page.getByRole('heading', { name: 'Account of Jill Midsession' }).waitFor();
    await test
      .http()
      .post(`/api/v1/customers/${customer.id}/suspend`)
      .set(bearer(token))
      .expect(200);

    await page.getByLabel('City').fill('Bremen');
    await page.getByRole('button', { name: 'Save' }).click();
    await page
      .getByRole('alert')
      .getByText('Your session has ended. Please log in again.')
      .waitFor();
    await page.getByLabel('Username').fill(customer.username);
    await page.getByLabel('Password', { exact: true }).fill(customer.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').getByText('Your account is suspended.').waitFor();
  });

  it('says in words that the server cannot be reached when a request fails on the way', async () => {
    const page = await panel.open();
    await logInThroughPanel(page, test.baseUrl, ADMIN.username, ADMIN.password);
    await page.locator('table.customers').waitFor();
    // The connection fails in the browser, before any answer: what a dropped network looks like.
    await page.route('**/api/v1/customers?**', (route) => route.abort('connectionrefused'));
    await page.getByRole('button', { name: 'Search' }).click();
    await page
      .getByRole('alert')
      .getByText('The server cannot be reached. Check your connection and try again.')
      .waitFor();
    // Still signed in: a network failure is not a lost session.
    expect(await page.getByRole('button', { name: 'Log in' }).count()).toBe(0);
  });

  it('does not overwrite a change made meanwhile: the save says so and shows the current data', async () => {
    const customer = await createCustomer(test, token, { name: 'Kai Concurrent', city: 'Kiel' });
    const page = await panel.open();
    await logInThroughPanel(page, test.baseUrl, ADMIN.username, ADMIN.password);
    await page.goto(`${test.baseUrl}/#/customers/${customer.id}`);
    await page.getByRole('heading', { name: 'Kai Concurrent' }).waitFor();
    expect(await page.getByLabel('City').inputValue()).toBe('Kiel');
    // Another administrator changes the customer after the page was loaded.
    await test
      .http()
      .patch(`/api/v1/customers/${customer.id}`)
      .set(bearer(token))
      .send({ city: 'Bremen' })
      .expect(200);

    await page.getByLabel('City').fill('Hamburg');
    await page.getByRole('button', { name: 'Save' }).click();
    await page
      .getByRole('alert')
      .getByText(/^Someone else changed this customer meanwhile/)
      .waitFor();
    expect(await eventually(() => page.getByLabel('City').inputValue(), 'Bremen')).toBe('Bremen');
    const current = await test
      .http()
      .get(`/api/v1/customers/${customer.id}`)
      .set(bearer(token))
      .expect(200);
    expect(current.body).toEqual(expect.objectContaining({ city: 'Bremen' }));
  });
});
