import { BrowserContext, Page } from 'playwright-core';
import { bearer } from './support/app';
import { eventually, logInThroughPanel, PanelHarness } from './support/browser';
import { ADMIN } from './support/database';
import { createCustomer } from './support/factories';

/** India has no daylight saving time: +05:30 all year, so the expected UTC time is plain arithmetic. */
const TIME_ZONE = 'Asia/Kolkata';
const OFFSET_MS = 5.5 * 3_600_000;

/** A minute-exact time two days ahead, and how it reads on a wall clock in TIME_ZONE (for datetime-local). */
function plannedTime(daysAhead = 2): { utc: string; wallClock: string } {
  const at = new Date(Date.now() + daysAhead * 86_400_000);
  at.setUTCSeconds(0, 0);
  const wall = new Date(at.getTime() + OFFSET_MS).toISOString().slice(0, 16);
  return { utc: at.toISOString(), wallClock: wall };
}

interface PlannedJob {
  id: number;
  action: string;
  state: string;
  runAt: string | null;
  reason: string | null;
  total: number;
}

/**
 * Suspension reasons and scheduled jobs in a real browser (Debian's Chromium through
 * playwright-core), in a time zone that is not the server's, against API and worker in one process.
 */
describe('panel: suspension reasons and scheduled jobs', () => {
  let panel: PanelHarness;
  let context: BrowserContext | undefined;

  beforeAll(async () => {
    panel = await PanelHarness.start();
  });
  afterEach(async () => {
    await context?.close();
    context = undefined;
    expect(await panel.closePages()).toEqual([]);
  });
  afterAll(async () => {
    await panel?.close();
  });

  /** A page whose clock reads in TIME_ZONE; its uncaught errors fail the test. */
  async function openInTimeZone(locale = 'en-US'): Promise<{ page: Page; errors: Error[] }> {
    context = await panel.browser.newContext({ timezoneId: TIME_ZONE, locale });
    const page = await context.newPage();
    const errors: Error[] = [];
    page.on('pageerror', (error) => errors.push(error));
    await logInThroughPanel(page, panel.app.baseUrl, ADMIN.username, ADMIN.password);
    await page.getByRole('heading', { name: 'Customers' }).waitFor();
    return { page, errors };
  }

  const scheduledJobs = async (): Promise<PlannedJob[]> =>
    (
      await panel.app
        .http()
        .get('/api/v1/jobs?state=scheduled')
        .set(bearer(panel.adminToken))
        .expect(200)
    ).body.items;

  async function findAndCheck(page: Page, names: string[], search: string): Promise<void> {
    await page.getByRole('searchbox', { name: 'Search' }).fill(search);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    expect(
      await eventually(
        () => page.locator('table.customers tr[data-customer-id]').count(),
        names.length,
      ),
    ).toBe(names.length);
    for (const name of names) await page.getByRole('checkbox', { name: `Select ${name}` }).check();
  }

  it('suspends with a reason and a time in the user\'s time zone, lists the job under "Scheduled", and cancels it', async () => {
    const customer = await createCustomer(panel.app, panel.adminToken, { name: 'Zoe Planned' });
    const { page, errors } = await openInTimeZone();
    await findAndCheck(page, ['Zoe Planned'], 'Zoe Planned');
    await page.getByRole('button', { name: 'Change status' }).click();
    await page.getByRole('menuitem', { name: 'Suspend' }).click();

    const dialog = page.getByRole('dialog', { name: 'Suspend 1 customer?' });
    await dialog.getByLabel('Reason').fill('End of contract');
    const { utc, wallClock } = plannedTime();
    await dialog.getByLabel('At (optional)').fill(wallClock);
    // The hint names the zone (Chromium may use the older alias Asia/Calcutta).
    expect(await dialog.textContent()).toMatch(/\(Asia\/(Kolkata|Calcutta)\)/);
    await dialog.getByRole('button', { name: 'Schedule' }).click();
    await page
      .getByRole('status')
      .getByText(/^Job \d+ is scheduled for/)
      .waitFor();

    const [job] = (await scheduledJobs()).filter((planned) => planned.reason === 'End of contract');
    // The wall-clock time in Kolkata, as UTC: the panel converted it in the user's time zone.
    expect(job).toMatchObject({ action: 'suspend', state: 'scheduled', runAt: utc, total: 1 });
    const now = await panel.app
      .http()
      .get(`/api/v1/customers/${customer.id}`)
      .set(bearer(panel.adminToken))
      .expect(200);
    expect(now.body).toMatchObject({ status: 'active', suspension: null });

    await page.getByRole('link', { name: 'Scheduled', exact: true }).click();
    await page.getByRole('heading', { name: 'Scheduled jobs' }).waitFor();
    const row = page.locator(`table.scheduled tr[data-job-id="${job.id}"]`);
    await row.waitFor();
    const text = (await row.textContent()) ?? '';
    expect(text).toContain('Suspend');
    expect(text).toContain('1 customer');
    expect(text).not.toContain('1 customers');
    expect(text).toContain('End of contract');

    await row.getByRole('button', { name: `Cancel job ${job.id}` }).click();
    await page.getByRole('status').getByText(`Job ${job.id} was cancelled.`).waitFor();
    await row.waitFor({ state: 'detached' });
    const cancelled = await panel.app
      .http()
      .get(`/api/v1/jobs/${job.id}`)
      .set(bearer(panel.adminToken))
      .expect(200);
    expect(cancelled.body).toMatchObject({ state: 'cancelled', startedAt: null });
    expect(errors).toEqual([]);
  });

  it('asks for a time in the remove dialog too, and names the count with the right plural form', async () => {
    for (const name of ['Rita Later', 'Rolf Later', 'Ruth Later'])
      await createCustomer(panel.app, panel.adminToken, { name });
    const { page, errors } = await openInTimeZone();
    await findAndCheck(page, ['Rita Later', 'Rolf Later', 'Ruth Later'], 'Later');
    await page.getByRole('button', { name: 'Remove' }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove 3 customers?' });
    await dialog.waitFor();
    // Removing has no reason, but a time.
    expect(await dialog.getByLabel('Reason').count()).toBe(0);
    const { utc, wallClock } = plannedTime(3);
    await dialog.getByLabel('At (optional)').fill(wallClock);
    await dialog.getByRole('button', { name: 'Schedule' }).click();
    await page
      .getByRole('status')
      .getByText(/^Job \d+ is scheduled for/)
      .waitFor();
    const [job] = (await scheduledJobs()).filter((planned) => planned.action === 'remove');
    expect(job).toMatchObject({ runAt: utc, total: 3, reason: null });

    // The same list in German: "3 Kunden" here, "1 Kunde" for a one-customer plan.
    const single = await createCustomer(panel.app, panel.adminToken, { name: 'Sven Einzeln' });
    const one = await panel.app
      .http()
      .post('/api/v1/customers/bulk')
      .set(bearer(panel.adminToken))
      .send({ action: 'activate', ids: [single.id], runAt: plannedTime(4).utc })
      .expect(202);
    await page.getByRole('link', { name: 'Scheduled', exact: true }).click();
    await page.getByRole('combobox', { name: 'Language' }).selectOption('de');
    await page.getByRole('heading', { name: 'Geplante Aufträge' }).waitFor();
    const many = page.locator(`table.scheduled tr[data-job-id="${job.id}"]`);
    const lone = page.locator(`table.scheduled tr[data-job-id="${one.body.jobId}"]`);
    await lone.waitFor();
    expect(await many.textContent()).toContain('3 Kunden');
    expect(await lone.textContent()).toContain('1 Kunde');
    expect(await lone.textContent()).not.toContain('1 Kunden');
    await page.getByRole('combobox', { name: 'Sprache' }).selectOption('en');
    await page.getByRole('heading', { name: 'Scheduled jobs' }).waitFor();
    expect(await many.textContent()).toContain('3 customers');
    expect(await lone.textContent()).toContain('1 customer');
    expect(await lone.textContent()).not.toContain('1 customers');
    for (const planned of [job.id, one.body.jobId as number])
      await panel.app
        .http()
        .post(`/api/v1/jobs/${planned}/cancel`)
        .set(bearer(panel.adminToken))
        .expect(200);
    expect(errors).toEqual([]);
  });

  it('shows staff the reason, who and since when on the customer page', async () => {
    const customer = await createCustomer(panel.app, panel.adminToken, { name: 'Uma Overdue' });
    await panel.app
      .http()
      .post(`/api/v1/customers/${customer.id}/suspend`)
      .set(bearer(panel.adminToken))
      .send({ reason: 'Three reminders unanswered' })
      .expect(200);
    const { page, errors } = await openInTimeZone();
    await page.goto(`${panel.app.baseUrl}/#/customers/${customer.id}`);
    const card = page.locator('.card.suspension');
    await card.getByText('Three reminders unanswered').waitFor();
    expect(await card.textContent()).toMatch(/Suspended since .+ by Administrator 1/);
    expect(errors).toEqual([]);
  });
});
