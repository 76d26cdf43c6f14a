import { Page } from 'playwright-core';
import { bearer } from './support/app';
import {
  GERMAN_LOGIN,
  logInThroughPanel,
  PanelHarness,
  PanelTestApp,
  saveScreenshot,
} from './support/browser';
import { ADMIN } from './support/database';
import { createCustomer } from './support/factories';

/** The panel in German, as Plesk's German panel names things, and the choice of language. */
describe('panel in English and German', () => {
  let panel: PanelHarness;
  let test: PanelTestApp;
  let token: string;

  const open = (locale: string): Promise<Page> => panel.open({ locale });

  beforeAll(async () => {
    panel = await PanelHarness.start();
    test = panel.app;
    token = panel.adminToken;
    const hosts = [
      { name: 'Anna Schmidt', company: 'Schmidt Webdesign', tag: 'schmidt' },
      { name: 'Bernd Müller', company: 'Müller & Söhne KG', tag: 'mueller' },
      { name: 'Clara Wagner', company: null, tag: 'wagner' },
      { name: 'Dieter Becker', company: 'Bäckerei Becker', tag: 'baecker' },
    ];
    for (const host of hosts) {
      const customer = await createCustomer(test, token, {
        name: host.name,
        company: host.company,
        city: 'Berlin',
        country: 'DE',
        locale: 'de-DE',
      });
      await test
        .http()
        .post('/api/v1/subscriptions')
        .set(bearer(token))
        .send({ customerId: customer.id, name: `${host.tag}.example`, plan: 'Unlimited' })
        .expect(201);
    }
  });

  afterEach(async () => {
    expect(await panel.closePages()).toEqual([]);
  });

  afterAll(async () => {
    await panel?.close();
  });

  it('shows the German labels Plesk uses when the browser prefers German', async () => {
    const page = await open('de-DE');
    await logInThroughPanel(page, test.baseUrl, ADMIN.username, ADMIN.password, GERMAN_LOGIN);
    await page.getByRole('heading', { name: 'Kunden' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('de');
    await page.getByRole('link', { name: 'Kunden hinzufügen' }).waitFor();
    await page.locator('table.customers tr[data-customer-id]').nth(3).waitFor();

    await page.getByRole('checkbox', { name: 'Anna Schmidt auswählen' }).check();
    await page.getByRole('checkbox', { name: 'Bernd Müller auswählen' }).check();
    await page.getByRole('button', { name: 'Entfernen' }).waitFor();
    await page.getByRole('button', { name: 'Status ändern' }).click();
    await page.getByRole('menuitem', { name: 'Aktivieren' }).waitFor();
    await page.getByRole('menuitem', { name: 'Sperren' }).click();
    await page
      .getByRole('dialog', { name: '2 Kunden sperren?' })
      .getByRole('button', { name: 'Sperren' })
      .click();
    await page.locator('section.job[data-job-state="completed"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('section.job').textContent()).toContain('2 von 2 bearbeitet');
    await page.locator('table.customers .status-suspended').nth(1).waitFor();
    await saveScreenshot(page, 'customer-list-de');

    await page.getByRole('link', { name: 'Kunden hinzufügen' }).click();
    await page.getByRole('heading', { name: 'Kunden hinzufügen' }).waitFor();
    await page.getByLabel(/^Name des Ansprechpartners/).fill('Erika Mustermann');
    await page.getByLabel('Firmenname').fill('Mustermann Hosting GmbH');
    await page.getByLabel(/^E-Mail-Adresse/).fill('erika-at-mustermann');
    await page.getByRole('button', { name: 'Kunden hinzufügen' }).click();
    const emailError = page.locator('#customer-email-error');
    await emailError.waitFor();
    expect(await emailError.textContent()).toContain('Geben Sie eine gültige E-Mail-Adresse ein');
    // Fields left empty are named as required, whatever length rule the API checked.
    expect(await page.locator('#customer-username-error').textContent()).toBe(
      'Dieses Feld ist erforderlich.',
    );
    expect(await page.locator('#customer-password-error').textContent()).toBe(
      'Dieses Feld ist erforderlich.',
    );
    await page.getByLabel(/^E-Mail-Adresse/).fill('erika@mustermann.example');
    await emailError.waitFor({ state: 'detached' });
    await page.getByLabel('Stadt').fill('Köln');
    await page.getByLabel(/^Benutzername/).fill('emustermann');
    await page.getByRole('button', { name: 'Generieren' }).click();
    await page
      .getByLabel('Zusätzliche Informationen')
      .fill('Ihr Webspace: 10 GB. Support: +49 221 123456');
    await page.getByLabel('Beschreibung').fill('Kam über die Partner-Aktion im Mai.');
    await page.getByText('Für den Kunden sichtbar.').waitFor();
    expect(
      await page.getByText('Nur für Mitarbeiter sichtbar: der Kunde sieht sie nie.').isVisible(),
    ).toBe(true);
    await saveScreenshot(page, 'add-customer-de');
    await page.getByRole('button', { name: 'Kunden hinzufügen' }).click();

    await page.getByRole('heading', { name: /Erika Mustermann/ }).waitFor();
    await page.getByRole('heading', { name: 'Abonnements' }).waitFor();
    await page.getByLabel(/^Domainname des Abonnements/).fill('mustermann.example');
    await page.getByRole('button', { name: 'Abonnement hinzufügen' }).click();
    await page.locator('tr[data-domain-name="mustermann.example"]').waitFor();
    await page.locator('table.audit tbody tr').nth(2).waitFor();
    await page.getByText('Abonnements: 1 · Domains: 1').waitFor();
    await saveScreenshot(page, 'customer-page-de');
  });

  it('switches the language, and remembers the choice', async () => {
    const page = await open('de-DE');
    await logInThroughPanel(page, test.baseUrl, ADMIN.username, ADMIN.password, GERMAN_LOGIN);
    await page.getByRole('heading', { name: 'Kunden' }).waitFor();
    await page.getByRole('combobox', { name: 'Sprache' }).selectOption('en');
    await page.getByRole('heading', { name: 'Customers' }).waitFor();
    await page.getByRole('button', { name: 'Change status' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Customers' }).waitFor();
  });

  it("shows a customer the panel in the customer's own locale", async () => {
    const customer = await createCustomer(test, token, {
      name: 'Greta Kunde',
      locale: 'de-DE',
      additionalInfo: 'Ihr FTP-Server: ftp.greta.example',
    });
    const page = await open('en-US');
    await logInThroughPanel(page, test.baseUrl, customer.username, customer.password);
    await page.getByRole('heading', { name: 'Konto von Greta Kunde' }).waitFor();
    await page.getByRole('heading', { name: 'Zusätzliche Informationen' }).waitFor();
    await page.getByText('Ihr FTP-Server: ftp.greta.example').waitFor();
  });
});
