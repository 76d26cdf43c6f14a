import Redis from 'ioredis';
import { ADMIN } from '../support/database';
import { loginAdmin, startTestApp, TestApp } from '../support/app';
import { postBulk, seedCustomers, waitForJob } from '../support/bulk-jobs';
import { RedisClusterSetup, startRedisCluster } from '../support/redis-cluster';
import { specName } from '../support/test-run';

describe('Redis Cluster', () => {
  let cluster: RedisClusterSetup | undefined;
  let test: TestApp | undefined;

  beforeAll(async () => {
    cluster = await startRedisCluster();
    test = await startTestApp({
      PROCESS_ROLE: 'all',
      // Nothing listens there: in a Cluster only REDIS_URL's password counts.
      REDIS_URL: 'redis://127.0.0.1:1',
      REDIS_CLUSTER_NODES: cluster.nodes,
      BULK_CHUNK_SIZE: '5',
      LOGIN_MAX_FAILURES_PER_USERNAME: '3',
    });
  }, 300_000);

  afterAll(async () => {
    await test?.close();
    await cluster?.remove();
  }, 60_000);

  it('runs a bulk job to the end, with every key of the deployment in one hash slot', async () => {
    const app = test!;
    const admin = await loginAdmin(app);
    const ids = await seedCustomers(app, 12, 1, 1);
    const job = await postBulk(app, admin, 'suspend', ids);
    const done = await waitForJob(app, admin, job, 120_000);
    expect(done.state).toBe('completed');
    expect(done.succeeded).toBe(12);

    const slots = new Set<number>();
    for (const port of cluster!.ports) {
      const node = new Redis({ port, host: '127.0.0.1' });
      try {
        const keys = await node.keys('*');
        expect(keys.filter((key) => !key.startsWith(`{${specName()}}:`))).toEqual([]);
        for (const key of keys) slots.add(Number(await node.call('CLUSTER', 'KEYSLOT', key)));
      } finally {
        node.disconnect();
      }
    }
    expect(slots.size).toBe(1);
  }, 300_000);

  it('throttles failed logins with its keys in that slot: the third failure blocks with 429', async () => {
    const app = test!;
    const attempt = (password: string) =>
      app.http().post('/api/v1/auth/login').send({ username: ADMIN.username, password });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await attempt('wrong-password-1')).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    const blocked = await attempt(ADMIN.password);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
  }, 60_000);
});
