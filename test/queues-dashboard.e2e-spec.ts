import { bearer, login, loginAdmin, startTestApp, TestApp } from './support/app';
import { createCustomer } from './support/factories';

const QUEUES = ['bulk-jobs', 'webhook-delivery', 'maintenance'];
/** How a browser asks for a page. */
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

interface DashboardQueue {
  name: string;
  readOnlyMode: boolean;
  isPaused: boolean;
}

/** Bull Board at /admin/queues over HTTP; test/queues-dashboard-browser.e2e-spec.ts opens it in Chromium. */
describe('queue dashboard', () => {
  let test: TestApp;
  let adminToken: string;

  beforeAll(async () => {
    test = await startTestApp();
    adminToken = await loginAdmin(test);
  });

  afterAll(async () => {
    await test?.close();
  });

  const queues = async (headers: Record<string, string>) =>
    (await test.http().get('/admin/queues/api/queues').set(headers).expect(200)).body
      .queues as DashboardQueue[];

  it('shows an administrator every queue of the deployment, read-only', async () => {
    const page = await test.http().get('/admin/queues').set(bearer(adminToken)).expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('<base href="/admin/queues/"');
    expect(page.headers['x-powered-by']).toBeUndefined();
    const listed = await queues(bearer(adminToken));
    expect(listed.map((queue) => queue.name).sort()).toEqual([...QUEUES].sort());
    expect(listed.every((queue) => queue.readOnlyMode)).toBe(true);
  });

  it('is served with a CSP of its own that allows its scripts and styles only from itself', async () => {
    const page = await test.http().get('/admin/queues').set(bearer(adminToken)).expect(200);
    const csp = page.headers['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("script-src 'self' 'unsafe");
    expect(csp).toContain("frame-ancestors 'none'");
    const script = /src="(static\/js\/main[^"]+\.js)"/.exec(page.text)?.[1];
    expect(script).toBeDefined();
    await test
      .http()
      .get(`/admin/queues/${script}`)
      .set(bearer(adminToken))
      .expect(200)
      .expect('Content-Type', /javascript/);
  });

  it('opens with the panel session cookie; a change by cookie needs the CSRF header', async () => {
    const cookie = { Cookie: `clientele_session=${adminToken}` };
    expect((await queues(cookie)).length).toBe(QUEUES.length);
    const pause = await test.http().put('/admin/queues/api/queues/bulk-jobs/pause').set(cookie);
    expect(pause.status).toBe(403);
    expect(pause.body.detail).toMatch(/X-CSRF-Token/);
  });

  it('changes nothing, even for an administrator: the queues only wake the workers', async () => {
    const pause = await test
      .http()
      .put('/admin/queues/api/queues/bulk-jobs/pause')
      .set(bearer(adminToken));
    expect(pause.status).toBeGreaterThanOrEqual(400);
    expect(pause.status).toBeLessThan(500);
    const bulkJobs = (await queues(bearer(adminToken))).find((queue) => queue.name === 'bulk-jobs');
    expect(bulkJobs?.isPaused).toBe(false);
  });

  it('answers anonymous calls 401, and sends an anonymous browser to the login', async () => {
    const api = await test.http().get('/admin/queues/api/queues').expect(401);
    expect(api.headers['content-type']).toMatch(/^application\/problem\+json/);
    await test.http().get('/admin/queues/static/favicon-32x32.png').expect(401);
    const page = await test.http().get('/admin/queues').set('Accept', BROWSER_ACCEPT).expect(303);
    expect(page.headers.location).toBe('/');
    await test
      .http()
      .get('/admin/queues')
      .set({ ...bearer('ct_not-a-real-token'), Accept: 'application/json' })
      .expect(401);
  });

  it('refuses customers', async () => {
    const customer = await createCustomer(test, adminToken);
    const token = await login(test, customer.username, customer.password);
    const refused = await test.http().get('/admin/queues').set(bearer(token)).expect(403);
    expect(refused.body).toMatchObject({ status: 403, type: '/problems/forbidden' });
    await test.http().get('/admin/queues/api/queues').set(bearer(token)).expect(403);
    await test
      .http()
      .get('/admin/queues')
      .set({ Cookie: `clientele_session=${token}`, Accept: BROWSER_ACCEPT })
      .expect(403);
  });

  it('is not under the API prefix', async () => {
    await test.http().get('/api/v1/admin/queues').set(bearer(adminToken)).expect(404);
  });
});
