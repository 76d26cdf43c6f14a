import { seedDomains } from '../../bench/seed';
import { TestApp, bearer } from './app';

export interface SeededHosting {
  subscriptionIds: number[];
  /** For each subscription in order: its main domain first, then `d<n>.<main>`. */
  domainNames: string[];
}

let seeds = 0;
const uniqueTag = () =>
  `w${process.env.JEST_WORKER_ID ?? 1}n${(seeds += 1)}${Math.random().toString(36).slice(2, 6)}`;

/**
 * Gives a customer `subscriptions` subscriptions with `domainsPerSubscription` domains each (the
 * main domain included), fast: one multi-row INSERT and one INSERT ... SELECT over MariaDB's
 * `seq_1_to_N` table, whatever the size. Reasons follow the customer's status as the API would
 * set them. No events are written: read events from after the seeding (`lastEventId`).
 */
export async function seedHosting(
  test: TestApp,
  customerId: number,
  {
    subscriptions,
    domainsPerSubscription,
  }: { subscriptions: number; domainsPerSubscription: number },
): Promise<SeededHosting> {
  const tag = `c${customerId}${uniqueTag()}`;
  const connection = test.em().getConnection();
  const [customer] = await connection.execute<Array<{ status: string }>>(
    'SELECT status FROM customer WHERE id = ?',
    [customerId],
  );
  if (!customer) throw new Error(`customer ${customerId} does not exist`);
  const suspended = customer.status === 'suspended';
  const status = suspended ? 'suspended' : 'active';
  const names = Array.from({ length: subscriptions }, (_, index) => `s${index + 1}-${tag}.test`);
  await connection.execute(
    `INSERT INTO subscription (customer_id, name, unicode_name, plan, status, suspended_reasons, created_at, updated_at)
     VALUES ${names.map(() => `(?, ?, ?, 'Seeded', '${status}', ${suspended ? 2 : 0}, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))`).join(', ')}`,
    names.flatMap((name) => [customerId, name, name]),
  );
  const rows = await connection.execute<Array<{ id: number; name: string }>>(
    `SELECT id, name FROM subscription WHERE customer_id = ? AND name IN (${names.map(() => '?').join(', ')}) ORDER BY id`,
    [customerId, ...names],
  );
  const perSubscription = Math.max(1, Math.floor(domainsPerSubscription));
  await seedDomains(
    <T>(statement: string, params: unknown[] = []) =>
      connection.execute(statement, params) as Promise<T>,
    `s.id IN (${rows.map(() => '?').join(', ')})`,
    rows.map((row) => row.id),
    perSubscription,
    suspended,
  );
  return {
    subscriptionIds: rows.map((row) => row.id),
    domainNames: rows.flatMap((row) =>
      Array.from({ length: perSubscription }, (_, index) =>
        index === 0 ? row.name : `d${index + 1}.${row.name}`,
      ),
    ),
  };
}

export interface OutboxRow {
  id: number;
  type: string;
  objectType: string;
  objectId: number;
  customerId: number | null;
  sequence: number | null;
  actor: string;
  jobId: number | null;
  payload: Record<string, unknown>;
}

/** The outbox rows written after event id `afterId`, in id order. */
export async function eventsAfter(test: TestApp, afterId = 0): Promise<OutboxRow[]> {
  const rows = await test
    .em()
    .getConnection()
    .execute<Array<Record<string, unknown>>>(
      'SELECT id, type, object_type, object_id, customer_id, sequence, actor, job_id, payload FROM outbox_event WHERE id > ? ORDER BY id',
      [afterId],
    );
  return rows.map((row) => ({
    id: Number(row.id),
    type: String(row.type),
    objectType: String(row.object_type),
    objectId: Number(row.object_id),
    customerId: row.customer_id === null ? null : Number(row.customer_id),
    sequence: row.sequence === null ? null : Number(row.sequence),
    actor: String(row.actor),
    jobId: row.job_id === null ? null : Number(row.job_id),
    payload: (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as Record<
      string,
      unknown
    >,
  }));
}

/** The id of the newest outbox row (0 when empty): take it before an action, then read `eventsAfter` it. */
export async function lastEventId(test: TestApp): Promise<number> {
  const [row] = await test
    .em()
    .getConnection()
    .execute<Array<{ last: string | number | null }>>('SELECT MAX(id) AS last FROM outbox_event');
  return Number(row?.last ?? 0);
}

export interface HostingObject {
  id: number;
  name: string;
  status: string;
  suspendedReasons: string[];
  [key: string]: unknown;
}

/** Creates a subscription (with its main domain) through the API as an administrator. */
export async function createSubscription(
  test: TestApp,
  adminToken: string,
  customerId: number,
  overrides: Record<string, unknown> = {},
): Promise<HostingObject> {
  const response = await test
    .http()
    .post('/api/v1/subscriptions')
    .set(bearer(adminToken))
    .send({ customerId, name: `main-${uniqueTag()}.test`, plan: 'Basic', ...overrides });
  if (response.status !== 201)
    throw new Error(
      `creating a subscription failed: ${response.status} ${JSON.stringify(response.body)}`,
    );
  return response.body as HostingObject;
}

/** Adds a domain through the API, as whoever the token belongs to. */
export async function createDomain(
  test: TestApp,
  token: string,
  subscriptionId: number,
  name = `extra-${uniqueTag()}.test`,
): Promise<HostingObject> {
  const response = await test
    .http()
    .post('/api/v1/domains')
    .set(bearer(token))
    .send({ subscriptionId, name });
  if (response.status !== 201)
    throw new Error(
      `creating a domain failed: ${response.status} ${JSON.stringify(response.body)}`,
    );
  return response.body as HostingObject;
}
