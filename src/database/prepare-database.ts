import { createConnection } from 'mysql2/promise';
import { MikroORM } from '@mikro-orm/mysql';
import { buildOrmOptions, DatabaseTarget, parseDatabaseUrl } from './mikro-orm.options';

export interface PreparedDatabase {
  migrated: string[];
}

/**
 * Creates the database if it is missing and applies pending migrations. Several processes may
 * start at once when an operator scales out, so the work runs under a MySQL named lock.
 * `afterMigrate` runs under the same lock (first-start seeding, such as the first administrator).
 */
export async function prepareDatabase(
  target: DatabaseTarget,
  afterMigrate?: (orm: MikroORM) => Promise<void>,
): Promise<PreparedDatabase> {
  await createDatabaseIfMissing(target.url);
  const orm = await MikroORM.init(buildOrmOptions({ ...target, poolMax: 2 }));
  const connection = orm.em.getConnection();
  try {
    // GET_LOCK is per connection, so hold it on a dedicated knex connection.
    const knex = connection.getKnex();
    return await knex.transaction(async (trx) => {
      const lockName = `${parseDatabaseUrl(target.url).dbName}.migrations`;
      const [rows] = await trx.raw('SELECT GET_LOCK(?, 120) AS got', [lockName]);
      if (Number((rows as Array<{ got: number }>)[0]?.got) !== 1) {
        throw new Error(`could not take the migration lock ${lockName} within 120 s`);
      }
      try {
        const migrated = await orm.getMigrator().up();
        if (afterMigrate) await afterMigrate(orm);
        return { migrated: migrated.map((m) => m.name) };
      } finally {
        await trx.raw('SELECT RELEASE_LOCK(?)', [lockName]);
      }
    });
  } finally {
    await orm.close(true);
  }
}

export async function createDatabaseIfMissing(url: string): Promise<void> {
  const { host, port, user, password, dbName } = parseDatabaseUrl(url);
  const connection = await createConnection({ host, port, user, password });
  try {
    await connection.query(
      `CREATE DATABASE IF NOT EXISTS \`${dbName.replace(/`/g, '``')}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
  } finally {
    await connection.end();
  }
}
