import { seedHosting as seedMany } from '../../bench/seed';
import { bearer, loginAdmin, startTestApp, TestApp } from './app';
import { killAllWorkers } from './worker-process';

export interface JobBody {
  id: number;
  action: string;
  state: 'scheduled' | 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
  runAt: string | null;
  reason: string | null;
  total: number;
  processed: number;
  succeeded: number;
  failed: number;
  error?: string;
  results: Array<{
    id: number;
    outcome: string;
    error?: string;
    cause?: { code: string | null; errno: number | null; sqlState: string | null; message: string };
  }>;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

let tags = 0;

/** `customers` active customers with subscriptions and domains, seeded with set-based SQL; ids ascending. */
export function seedCustomers(
  test: TestApp,
  customers: number,
  subscriptionsPerCustomer = 2,
  domainsPerSubscription = 5,
): Promise<number[]> {
  const connection = test.em().getConnection();
  const tag = `b${process.env.JEST_WORKER_ID ?? 1}n${(tags += 1)}${Math.random().toString(36).slice(2, 6)}`;
  return seedMany(
    <T>(sql: string, params: unknown[] = []) => connection.execute(sql, params) as Promise<T>,
    {
      customers,
      subscriptionsPerCustomer,
      domainsPerSubscription,
      tag,
    },
  );
}

export async function postBulk(
  test: TestApp,
  token: string,
  action: string,
  ids: number[],
  headers: Record<string, string> = {},
): Promise<number> {
  const response = await test
    .http()
    .post('/api/v1/customers/bulk')
    .set(bearer(token))
    .set(headers)
    .send({ action, ids });
  if (response.status !== 202)
    throw new Error(
      `bulk ${action} was not accepted: ${response.status} ${JSON.stringify(response.body)}`,
    );
  return (response.body as { jobId: number }).jobId;
}

export async function getJob(test: TestApp, token: string, jobId: number): Promise<JobBody> {
  const response = await test.http().get(`/api/v1/jobs/${jobId}`).set(bearer(token)).expect(200);
  return response.body as JobBody;
}

/**
 * Polls the job's progress (without its per-id results, which a big job would send and the
 * contract check would validate on every poll) until it is completed or failed, then reads it whole.
 */
export async function waitForJob(
  test: TestApp,
  token: string,
  jobId: number,
  timeoutMs = 60_000,
): Promise<JobBody> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await test
      .http()
      .get(`/api/v1/jobs/${jobId}?results=false`)
      .set(bearer(token))
      .expect(200);
    const job = response.body as Omit<JobBody, 'results'>;
    if (job.state === 'completed' || job.state === 'failed') return getJob(test, token, jobId);
    if (Date.now() > deadline)
      throw new Error(
        `job ${jobId} still ${job.state} after ${timeoutMs} ms (${job.processed}/${job.total})`,
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface CascadeState {
  /** Customers whose row no longer exists. */
  missing: number[];
  /** Customers whose subscriptions or domains disagree with the customer's status. */
  inconsistent: number[];
  statuses: Map<number, string>;
}

/**
 * Reads every customer's status with its whole cascade in three queries: a customer is consistent
 * when, if suspended, all its subscriptions carry `customer` (2) and all its domains `subscription`
 * (4) and are suspended; if active, none carries `customer` and the seeded objects are active.
 */
export async function cascadeState(test: TestApp, ids: number[]): Promise<CascadeState> {
  const connection = test.em().getConnection();
  const list = ids.join(',');
  const customers = await connection.execute<Array<{ id: number; status: string }>>(
    `SELECT id, status FROM customer WHERE id IN (${list})`,
  );
  const badSubscriptions = await connection.execute<Array<{ customer_id: number }>>(
    `SELECT DISTINCT s.customer_id FROM subscription s JOIN customer c ON c.id = s.customer_id
      WHERE c.id IN (${list}) AND IF(c.status = 'suspended', s.status <> 'suspended' OR (s.suspended_reasons & 2) = 0, (s.suspended_reasons & 2) <> 0 OR s.status <> IF(s.suspended_reasons = 0, 'active', 'suspended'))`,
  );
  const badDomains = await connection.execute<Array<{ customer_id: number }>>(
    `SELECT DISTINCT d.customer_id FROM domain d JOIN subscription s ON s.id = d.subscription_id
      WHERE d.customer_id IN (${list}) AND (IF(s.suspended_reasons <> 0, (d.suspended_reasons & 4) = 0, (d.suspended_reasons & 4) <> 0)
            OR d.status <> IF(d.suspended_reasons = 0, 'active', 'suspended'))`,
  );
  const statuses = new Map(customers.map((row) => [Number(row.id), row.status]));
  return {
    missing: ids.filter((id) => !statuses.has(id)),
    inconsistent: [
      ...new Set([...badSubscriptions, ...badDomains].map((row) => Number(row.customer_id))),
    ].sort((a, b) => a - b),
    statuses,
  };
}

/** Counts events by `type` and object, for the given job: each transition must appear exactly once. */
export async function eventCounts(
  test: TestApp,
  jobId: number,
): Promise<Array<{ type: string; object_id: number; n: number }>> {
  return test
    .em()
    .getConnection()
    .execute(
      `SELECT type, object_id, COUNT(*) AS n FROM outbox_event WHERE job_id = ? GROUP BY type, object_type, object_id`,
      [jobId],
    );
}

/** What a spec of bulk jobs on worker processes works with (filled in by its beforeAll). */
export interface WorkerProcessesWorld {
  test: TestApp;
  admin: string;
  ids: number[];
}

/**
 * The setup the fault specs of bulk jobs share: an API-only app (the work happens in worker
 * processes, which the tests start and kill) with `customers` seeded, each with 2 subscriptions
 * of 5 domains. Opened before the file's tests; its workers and the app are gone after them.
 */
export function apiForWorkerProcesses(customers: number, chunkSize: number): WorkerProcessesWorld {
  const world = {} as WorkerProcessesWorld;
  beforeAll(async () => {
    world.test = await startTestApp({ PROCESS_ROLE: 'api', BULK_CHUNK_SIZE: String(chunkSize) });
    world.admin = await loginAdmin(world.test);
    world.ids = await seedCustomers(world.test, customers, 2, 5);
  });
  afterAll(async () => {
    await killAllWorkers();
    await world.test?.close();
  });
  return world;
}
