import { MikroORM } from '@mikro-orm/mysql';
import { Transaction } from '@mikro-orm/core';
import { readYourCluster, readYourClusterIn } from '../src/database/cluster-reads';
import { buildOrmOptions } from '../src/database/mikro-orm.options';
import { createDatabaseIfMissing } from '../src/database/prepare-database';
import { ROOT_DATABASE_URL, workerName } from './support/test-run';

// On Galera it turns wsrep_sync_wait on: test/faults/ha-galera.e2e-spec.ts.
describe('causal reads (readYourCluster) on a server without Galera', () => {
  const url = `${ROOT_DATABASE_URL}/${workerName()}`;
  let orm: MikroORM | undefined;

  beforeAll(async () => {
    await createDatabaseIfMissing(url);
    orm = await MikroORM.init(buildOrmOptions({ url, poolMax: 2 }));
  });

  afterAll(async () => {
    await orm?.close(true);
  });

  it('changes nothing', async () => {
    const level = await orm!.em.fork().transactional(async (em) => {
      await readYourCluster(em);
      const rows = await em.execute<Array<{ level: number }>>(
        'SELECT @@SESSION.wsrep_sync_wait AS level',
      );
      return Number(rows[0].level);
    });
    expect(level).toBe(0);
  });

  it('changes nothing in a connection-level transaction either (the relay)', async () => {
    const connection = orm!.em.getConnection();
    const level = await connection.transactional(async (trx: Transaction) => {
      await readYourClusterIn(connection, trx);
      const rows = await connection.execute<Array<{ level: number }>>(
        'SELECT @@SESSION.wsrep_sync_wait AS level',
        [],
        'all',
        trx,
      );
      return Number(rows[0].level);
    });
    expect(level).toBe(0);
  });

  it('needs a transaction, where the session setting reaches the reads', async () => {
    await expect(readYourCluster(orm!.em.fork())).rejects.toThrow(/needs a transaction/);
  });
});
