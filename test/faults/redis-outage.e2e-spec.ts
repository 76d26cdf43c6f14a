import { ADMIN } from '../support/database';
import { bearer, loginAdmin, startTestApp, TestApp } from '../support/app';
import { eventually } from '../support/browser';
import { cascadeState, getJob, seedCustomers, waitForJob } from '../support/bulk-jobs';
import Redis from 'ioredis';
import { PrivateRedis } from '../support/private-redis';

/** Runs one command on a private Redis (REPLICAOF to make it a read-only replica, and back). */
async function redisCommand(redis: PrivateRedis, ...args: string[]): Promise<unknown> {
  const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await client.connect();
    return await client.call(args[0], ...args.slice(1));
  } finally {
    client.disconnect();
  }
}

/** Nothing a client sends may wait on Redis for longer than this. */
const PROMPT_MS = 5_000;

interface ReadyBody {
  details?: { redis?: { status: string; state?: string } };
}

describe('Redis outages', () => {
  let redis: PrivateRedis | undefined;
  let master: PrivateRedis | undefined;
  let test: TestApp | undefined;
  let admin: string;
  let ids: number[];
  /** Every status the API answered during the outages (readiness excepted): none may be 5xx. */
  const statuses: number[] = [];

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    master = await PrivateRedis.start();
    // API and worker in one process, both on the private Redis.
    test = await startTestApp({ PROCESS_ROLE: 'all', REDIS_URL: redis.url, BULK_CHUNK_SIZE: '5' });
    admin = await loginAdmin(test);
    ids = await seedCustomers(test, 20, 1, 2);
  }, 120_000);

  afterAll(async () => {
    await test?.close();
    await redis?.kill();
    await master?.kill();
  });

  /** Sends a request, records its status and checks it did not hang on Redis. */
  async function timed(send: () => Promise<{ status: number; body: unknown }>) {
    const started = Date.now();
    const response = await send();
    statuses.push(response.status);
    expect(Date.now() - started).toBeLessThan(PROMPT_MS);
    return response;
  }
  const login = (password: string) =>
    timed(() =>
      test!.http().post('/api/v1/auth/login').send({ username: ADMIN.username, password }),
    );
  const acceptBulk = async (action: string) => {
    const response = await timed(() =>
      test!.http().post('/api/v1/customers/bulk').set(bearer(admin)).send({ action, ids }),
    );
    expect(response.status).toBe(202);
    return (response.body as { jobId: number }).jobId;
  };
  const redisReadiness = async () => {
    const response = await test!.http().get('/health/ready');
    return `${response.status} ${(response.body as ReadyBody).details?.redis?.state ?? 'writable'}`;
  };

  it('keeps logins working and answers no 5xx while Redis is down, and queues a bulk job accepted meanwhile as soon as it is back', async () => {
    await redis!.kill();
    expect(await eventually(redisReadiness, '503 unreachable', 10_000)).toBe('503 unreachable');

    expect((await login(ADMIN.password)).status).toBe(200);
    expect((await login('wrong-password-1')).status).toBe(401);
    expect(
      (await timed(() => test!.http().get('/api/v1/customers').set(bearer(admin)))).status,
    ).toBe(200);
    const jobId = await acceptBulk('suspend');
    expect((await getJob(test!, admin, jobId)).state).toBe('queued');

    // Back empty, as a Redis without persistence comes back: the job was never in it.
    await redis!.start();
    expect(await eventually(redisReadiness, '200 writable', 15_000)).toBe('200 writable');
    // Well before the 60 s sweep would look at it (and its schedule was lost with Redis anyway).
    const job = await waitForJob(test!, admin, jobId, 30_000);
    expect(job).toMatchObject({ state: 'completed', succeeded: ids.length, failed: 0 });
    const state = await cascadeState(test!, ids);
    expect(state.inconsistent).toEqual([]);
    expect(new Set(state.statuses.values())).toEqual(new Set(['suspended']));
    expect(statuses.filter((status) => status >= 500)).toEqual([]);
  }, 90_000);

  it('reports a read-only replica in readiness, answers no 5xx, and queues a bulk job accepted meanwhile once Redis takes writes again', async () => {
    // A failover that left this process on a replica.
    await redisCommand(redis!, 'REPLICAOF', '127.0.0.1', String(master!.port));
    expect(await eventually(redisReadiness, '503 read-only', 10_000)).toBe('503 read-only');

    expect((await login(ADMIN.password)).status).toBe(200);
    expect((await login('wrong-password-1')).status).toBe(401);
    const jobId = await acceptBulk('activate');
    expect((await getJob(test!, admin, jobId)).state).toBe('queued');

    await redisCommand(redis!, 'REPLICAOF', 'NO', 'ONE');
    expect(await eventually(redisReadiness, '200 writable', 15_000)).toBe('200 writable');
    const job = await waitForJob(test!, admin, jobId, 30_000);
    expect(job).toMatchObject({ state: 'completed', succeeded: ids.length, failed: 0 });
    const state = await cascadeState(test!, ids);
    expect(state.inconsistent).toEqual([]);
    expect(new Set(state.statuses.values())).toEqual(new Set(['active']));
    expect(statuses.filter((status) => status >= 500)).toEqual([]);
  }, 90_000);
});
