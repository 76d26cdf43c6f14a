import { MikroORM } from '@mikro-orm/mysql';
import { buildOrmOptions } from '../../src/database/mikro-orm.options';
import { createDatabaseIfMissing, prepareDatabase } from '../../src/database/prepare-database';
import { ROOT_DATABASE_URL, workerName } from '../support/test-run';

describe('migrations', () => {
  const url = `${ROOT_DATABASE_URL}/${workerName()}_migrations`;

  it('build the schema the entities describe, leaving no difference', async () => {
    const orm = await MikroORM.init(buildOrmOptions({ url, poolMax: 2 }));
    try {
      await orm.getSchemaGenerator().dropDatabase();
    } finally {
      await orm.close(true);
    }
    await createDatabaseIfMissing(url);
    const { migrated } = await prepareDatabase({ url, poolMax: 2 });
    expect(migrated.length).toBeGreaterThan(0);

    const check = await MikroORM.init(buildOrmOptions({ url, poolMax: 2 }));
    try {
      const diff = await check.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false });
      expect(diff.trim()).toBe('');
      const { migrated: again } = await prepareDatabase({ url, poolMax: 2 });
      expect(again).toEqual([]);
      await check.getSchemaGenerator().dropDatabase();
    } finally {
      await check.close(true);
    }
  });

  it('let several processes start at once: one migrates, the others wait and find nothing to do', async () => {
    const concurrent = `${url}_race`;
    const results = await Promise.all(
      [1, 2, 3].map(() => prepareDatabase({ url: concurrent, poolMax: 2 })),
    );
    const applied = results.map((r) => r.migrated.length).sort();
    expect(applied.filter((n) => n > 0)).toHaveLength(1);
    const orm = await MikroORM.init(buildOrmOptions({ url: concurrent, poolMax: 2 }));
    await orm.getSchemaGenerator().dropDatabase();
    await orm.close(true);
  });
});

describe('connections', () => {
  it('run transactions at READ COMMITTED (cascades rely on row locks, not gap locks)', async () => {
    const url = `${ROOT_DATABASE_URL}/${workerName()}`;
    await createDatabaseIfMissing(url);
    const orm = await MikroORM.init(buildOrmOptions({ url, poolMax: 2 }));
    try {
      const isolation = await orm.em
        .fork()
        .transactional((em) =>
          em
            .getConnection()
            .execute<Array<{ level: string }>>(
              'SELECT @@tx_isolation AS level',
              [],
              'all',
              em.getTransactionContext(),
            ),
        );
      expect(isolation[0].level).toBe('READ-COMMITTED');
    } finally {
      await orm.close(true);
    }
  });
});
