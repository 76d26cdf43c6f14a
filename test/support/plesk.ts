import { bearer, loginAdmin, startTestApp, TestApp } from './app';
import { ADMIN } from './database';

/** Plesk's REST API v2 answers, field by field, for checking that /api/v2 matches them exactly. */
export type FieldType = 'number' | 'string';

export const CLIENT: Record<string, FieldType> = {
  id: 'number',
  created: 'string',
  name: 'string',
  company: 'string',
  login: 'string',
  status: 'number',
  email: 'string',
  locale: 'string',
  guid: 'string',
  owner_login: 'string',
  external_id: 'string',
  description: 'string',
  type: 'string',
};
export const CREATED: Record<string, FieldType> = { id: 'number', guid: 'string' };
export const STATUS: Record<string, FieldType> = { status: 'string' };
export const KEY: Record<string, FieldType> = { key: 'string' };
export const ERROR: Record<string, FieldType> = { code: 'number', message: 'string' };
export const DOMAIN: Record<string, FieldType> = {
  id: 'number',
  name: 'string',
  ascii_name: 'string',
  hosting_type: 'string',
  base_domain_id: 'number',
  www_root: 'string',
  guid: 'string',
  created: 'string',
};
export const STATISTICS: Record<string, FieldType> = Object.fromEntries(
  [
    'active_domains',
    'subdomains',
    'disk_space',
    'email_postboxes',
    'email_redirects',
    'email_response_messages',
    'mailing_lists',
    'databases',
    'traffic',
    'traffic_prevday',
  ].map((field) => [field, 'number']),
);

/** Exactly these fields, each of this JSON type. */
export function expectShape(body: unknown, shape: Record<string, FieldType>): void {
  expect(body).toEqual(expect.any(Object));
  const record = body as Record<string, unknown>;
  expect(Object.keys(record).sort()).toEqual(Object.keys(shape).sort());
  for (const [field, type] of Object.entries(shape))
    expect([field, typeof record[field]]).toEqual([field, type]);
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const DAY = /^\d{4}-\d{2}-\d{2}$/;
export const basic = (username: string, password: string) => ({
  Authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`,
});
export const ADMIN_BASIC = basic(ADMIN.username, ADMIN.password);

let tags = 0;
export const clientRequest = (overrides: Record<string, unknown> = {}) => {
  tags += 1;
  const tag = `p${process.env.JEST_WORKER_ID ?? 1}x${tags}${Math.random().toString(36).slice(2, 6)}`;
  return {
    name: `Plesk ${tag}`,
    login: `plesk${tag}`,
    password: 'a-good-password-1',
    email: `plesk${tag}@example.com`,
    type: 'customer',
    ...overrides,
  };
};

/** The app of a Plesk spec file, and the administrator's /api/v1 token to check /api/v2 against v1. */
export class PleskSpecApp {
  /** Set before the file's first test. */
  test!: TestApp;
  /** Set before the file's first test. */
  admin!: string;

  /** A customer as /api/v1 shows it to the administrator. */
  async v1Customer(id: number): Promise<Record<string, unknown>> {
    const response = await this.test
      .http()
      .get(`/api/v1/customers/${id}`)
      .set(bearer(this.admin))
      .expect(200);
    return response.body as Record<string, unknown>;
  }
}

/** Starts the app before the spec file's tests (the administrator logged in) and closes it after them. */
export function pleskSpecApp(): PleskSpecApp {
  const plesk = new PleskSpecApp();
  beforeAll(async () => {
    plesk.test = await startTestApp();
    plesk.admin = await loginAdmin(plesk.test);
  });
  afterAll(() => plesk.test?.close());
  return plesk;
}
