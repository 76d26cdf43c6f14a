import { createConnection } from 'mysql2/promise';
import { readYourCluster } from '../../src/database/cluster-reads';
import { metricsRegistry } from '../../src/metrics/registry';
import { bearer, loginAdmin, startTestApp, TestApp } from '../support/app';
import { testConfig } from '../support/database';
import { eventually } from '../support/eventually';
import { createCustomer } from '../support/factories';
import { GaleraCluster, startGaleraCluster } from '../support/galera';
import { specName } from '../support/test-run';
import { startWorkerProcess } from '../support/worker-process';

async function retriesCounted(): Promise<number> {
  const metric = await metricsRegistry
    .getSingleMetric('clientele_transaction_retries_total')
    ?.get();
  return (metric?.values ?? []).reduce((sum, sample) => sum + sample.value, 0);
}

describe('Galera with several writers', () => {
  let cluster: GaleraCluster | undefined;
  const database = specName();
  const apps: TestApp[] = [];

  beforeAll(async () => {
    cluster = await startGaleraCluster(3);
  }, 600_000);

  afterAll(async () => {
    for (const app of apps) await app.close();
    await cluster?.remove();
  }, 60_000);

  it('migrates once when three processes start through three nodes at the same moment', async () => {
    const nodes = cluster!.nodes;
    const workers = await Promise.all(
      nodes.map((node) =>
        startWorkerProcess(testConfig({ DATABASE_URL: node.url(database) }), {}, 300_000),
      ),
    );
    for (const worker of workers) worker.kill('SIGTERM');
    // Nest ends a process on SIGTERM by raising the signal again once it has shut down.
    for (const exit of await Promise.all(workers.map((worker) => worker.exited))) {
      expect(['SIGTERM', 0]).toContain(exit);
    }
    for (const worker of workers) expect(worker.output()).not.toMatch(/already exists/);

    const applied = await Promise.all(
      nodes.map(async (node) => {
        const connection = await createConnection(node.url(database));
        try {
          const [rows] = await connection.query(
            'SELECT name, COUNT(*) AS times FROM mikro_orm_migrations GROUP BY name HAVING times > 1',
          );
          const [all] = await connection.query('SELECT COUNT(*) AS n FROM mikro_orm_migrations');
          return { repeated: rows, count: (all as Array<{ n: number }>)[0].n };
        } finally {
          await connection.end();
        }
      }),
    );
    expect(applied.map((node) => node.repeated)).toEqual([[], [], []]);
    expect(new Set(applied.map((node) => node.count)).size).toBe(1);
  }, 600_000);

  it('retries writes that conflict across nodes (1213 at COMMIT): every answer 200, no 5xx', async () => {
    const [first, second] = cluster!.nodes;
    apps.push(await startTestApp({ DATABASE_URL: first.url(database) }));
    apps.push(await startTestApp({ DATABASE_URL: second.url(database) }, { reset: false }));
    const tokens = await Promise.all(apps.map((app) => loginAdmin(app)));
    const customer = await createCustomer(apps[0], tokens[0]);
    const before = await retriesCounted();

    const statuses: number[] = [];
    await Promise.all(
      apps.map((app, n) =>
        (async () => {
          for (let i = 0; i < 15; i += 1) {
            const response = await app
              .http()
              .patch(`/api/v1/customers/${customer.id}`)
              .set(bearer(tokens[n]))
              .send({ company: `written through node ${n + 1}, round ${i}` });
            statuses.push(response.status);
            if (response.status !== 200) {
              process.stdout.write(`answer ${response.status}: ${JSON.stringify(response.body)}\n`);
            }
          }
        })(),
      ),
    );
    const metric = await metricsRegistry
      .getSingleMetric('clientele_transaction_retries_total')
      ?.get();
    const exhausted = await metricsRegistry
      .getSingleMetric('clientele_transaction_retries_exhausted_total')
      ?.get();
    process.stdout.write(
      `retries: ${JSON.stringify(metric?.values)}, given up: ${JSON.stringify(exhausted?.values)}\n`,
    );
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    expect(await retriesCounted()).toBeGreaterThan(before);

    const tables = ['customer', 'outbox_event'];
    const agree = async () => {
      const sums = await cluster!.checksums(database, tables);
      return sums.every((sum) => JSON.stringify(sum) === JSON.stringify(sums[0]));
    };
    expect(await eventually(agree, true, 30_000)).toBe(true);
  }, 600_000);

  it('makes reads causal on a Galera node (wsrep_sync_wait) for work that acts on another commit', async () => {
    const em = apps[0].em();
    const level = await em.transactional(async (tx) => {
      await readYourCluster(tx);
      const rows = await tx.execute<Array<{ level: number }>>(
        'SELECT @@SESSION.wsrep_sync_wait AS level',
      );
      return Number(rows[0].level);
    });
    expect(level).toBe(1);
  }, 60_000);
});
