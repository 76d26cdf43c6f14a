import { execFileSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  statSync,
  unlinkSync,
} from 'node:fs';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { trackOpen } from './open-resources';
import { CHROMIUM } from './test-run';
import { bearer, loginAdmin, startTestApp, TestApp } from './app';
import { createCustomer, CreatedCustomer } from './factories';

// Moved to its own file (every spec waits through it); re-exported for the panel specs' imports.
export { eventually } from './eventually';

const ROOT = join(__dirname, '..', '..');
const PANEL = join(ROOT, 'panel');
const BUILT_STAMP = join(PANEL, 'dist', '.built');
const LOCK = join(PANEL, '.build.lock');
export const SCREENSHOTS = join(ROOT, 'docs', 'screenshots');

export { CHROMIUM };
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

function newestSource(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(
    stat.mtimeMs,
    ...readdirSync(path).map((entry) => newestSource(join(path, entry))),
  );
}

function panelIsStale(): boolean {
  if (!existsSync(BUILT_STAMP)) return true;
  const sources = Math.max(
    newestSource(join(PANEL, 'src')),
    newestSource(join(PANEL, 'index.html')),
    newestSource(join(PANEL, 'build.mjs')),
  );
  return statSync(BUILT_STAMP).mtimeMs < sources;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Builds the panel when its output is missing or older than its sources (a fresh clone runs only
 * `npm install` and `npm test`). A lock file keeps parallel Jest workers from building at once.
 */
export async function ensurePanelBuilt(): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (panelIsStale()) {
    let lock: number | undefined;
    try {
      lock = openSync(LOCK, 'wx');
    } catch {
      // Another worker builds; a lock older than a minute was left by a killed run.
      const held = statSync(LOCK, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > 60_000) unlinkSync(LOCK);
      if (Date.now() > deadline)
        throw new Error('timed out waiting for another worker to build the panel');
      await sleep(200);
      continue;
    }
    try {
      if (panelIsStale())
        execFileSync(process.execPath, [join(PANEL, 'build.mjs')], { stdio: 'inherit' });
    } finally {
      closeSync(lock);
      unlinkSync(LOCK);
    }
  }
}

/** Launches Chromium; the harness closes it after the file if the spec did not. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`clientele tests need Chromium at ${CHROMIUM}: apt-get install chromium`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const close = trackOpen('Chromium', () => browser.close());
  browser.on('disconnected', () => void close());
  return browser;
}

export interface PanelTestApp extends TestApp {
  /** http://127.0.0.1:<port> of the running app. */
  baseUrl: string;
}

/**
 * The whole application on a real port (the browser needs one), API and worker in one process so
 * bulk jobs run, with the panel built.
 */
export async function startPanelApp(overrides: Record<string, string> = {}): Promise<PanelTestApp> {
  await ensurePanelBuilt();
  const test = await startTestApp({ PROCESS_ROLE: 'all', ...overrides });
  await test.app.listen(0, '127.0.0.1');
  const { port } = test.app.getHttpServer().address() as AddressInfo;
  return { ...test, baseUrl: `http://127.0.0.1:${port}` };
}

/** A page with its own cookies (one user per context), in the given window width and language. */
export interface PanelPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors of the panel's own code: a test expects none. */
  errors: Error[];
}

export async function newPanelPage(
  browser: Browser,
  options: { width?: number; height?: number; locale?: string } = {},
): Promise<PanelPage> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
    locale: options.locale ?? 'en-US',
    reducedMotion: 'reduce',
  });
  const page = await context.newPage();
  const errors: Error[] = [];
  page.on('pageerror', (error) => errors.push(error));
  return { context, page, errors };
}

/** The login form's labels in German, for logInThroughPanel. */
export const GERMAN_LOGIN = { username: 'Benutzername', password: 'Passwort', logIn: 'Anmelden' };

/** Logs in through the panel's login form. */
export async function logInThroughPanel(
  page: Page,
  baseUrl: string,
  username: string,
  password: string,
  labels = { username: 'Username', password: 'Password', logIn: 'Log in' },
): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.getByLabel(labels.username).fill(username);
  await page.getByLabel(labels.password, { exact: true }).fill(password);
  await page.getByRole('button', { name: labels.logIn }).click();
}

/** Saves a full-page screenshot under docs/screenshots/ (committed; shown in the README). */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({
    path: join(SCREENSHOTS, `${name}.png`),
    fullPage: true,
    animations: 'disabled',
  });
}

/**
 * One application and one browser for a spec file. Tests open pages (one browser context each,
 * so one user each); afterEach closes them and reports the uncaught errors of the panel's code.
 */
export class PanelHarness {
  private readonly pages: PanelPage[] = [];

  private constructor(
    readonly app: PanelTestApp,
    readonly browser: Browser,
    readonly adminToken: string,
  ) {}

  /** Starts both, or on failure closes what it had started before it rethrows. */
  static async start(overrides: Record<string, string> = {}): Promise<PanelHarness> {
    const app = await startPanelApp(overrides);
    let browser: Browser | undefined;
    try {
      browser = await launchBrowser();
      return new PanelHarness(app, browser, await loginAdmin(app));
    } catch (error) {
      await browser?.close().catch(() => undefined);
      await app.close().catch(() => undefined);
      throw error;
    }
  }

  async open(options: { width?: number; height?: number; locale?: string } = {}): Promise<Page> {
    const opened = await newPanelPage(this.browser, options);
    this.pages.push(opened);
    return opened.page;
  }

  /** Closes the pages opened since the last call; returns the panel's uncaught errors in them. */
  async closePages(): Promise<string[]> {
    const opened = this.pages.splice(0);
    await Promise.all(opened.map((page) => page.context.close()));
    return opened.flatMap((page) => page.errors.map(String));
  }

  async close(): Promise<void> {
    await this.closePages();
    await this.browser.close();
    await this.app.close();
  }

  /** A customer with one subscription whose main domain is `<tag>.example`, and `www-<tag>.example`. */
  async customerWithDomains(
    name: string,
    tag: string,
    overrides: Record<string, unknown> = {},
  ): Promise<CreatedCustomer> {
    const customer = await createCustomer(this.app, this.adminToken, { name, ...overrides });
    const subscription = await this.app
      .http()
      .post('/api/v1/subscriptions')
      .set(bearer(this.adminToken))
      .send({ customerId: customer.id, name: `${tag}.example`, plan: 'Unlimited' })
      .expect(201);
    await this.app
      .http()
      .post('/api/v1/domains')
      .set(bearer(this.adminToken))
      .send({
        subscriptionId: (subscription.body as { id: number }).id,
        name: `www-${tag}.example`,
      })
      .expect(201);
    return customer;
  }

  /** The statuses of a customer's domains, as the API reports them. */
  async domainStatuses(customerId: number): Promise<string[]> {
    const response = await this.app
      .http()
      .get(`/api/v1/domains?customerId=${customerId}`)
      .set(bearer(this.adminToken))
      .expect(200);
    return (response.body as { items: Array<{ status: string }> }).items.map(
      (domain) => domain.status,
    );
  }
}
