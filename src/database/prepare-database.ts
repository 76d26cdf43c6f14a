import { Connection, createConnection } from 'mysql2/promise';
import { MikroORM } from '@mikro-orm/mysql';
import { MigrationLock } from './migration-lock';
import { buildOrmOptions, DatabaseTarget, parseDatabaseUrl } from './mikro-orm.options';

export interface PreparedDatabase {
  migrated: string[];
}

/**
 * Creates the database if it is missing and applies pending migrations. Several processes may
 * start at once when an operator scales out, through different nodes of a Galera cluster too, so
 * the work runs under a lock every node honours (MigrationLock).
 * `afterMigrate` runs under the same lock (first-start seeding, such as the first administrator).
 */
export async function prepareDatabase(
  target: DatabaseTarget,
  afterMigrate?: (orm: MikroORM) => Promise<void>,
): Promise<PreparedDatabase> {
  await createDatabaseIfMissing(target.url);
  const connection = await openConnection(target.url);
  const lock = new MigrationLock(connection, `${parseDatabaseUrl(target.url).dbName}.migrations`);
  try {
    await lock.acquire();
    // Under the lock, a Galera node has applied the holder's migrations before us (DDL is
    // replicated in total order, before the release): the migrator finds nothing left to do.
    const orm = await MikroORM.init(buildOrmOptions({ ...target, poolMax: 2 }));
    try {
      const migrated = await orm.getMigrator().up();
      if (afterMigrate) await afterMigrate(orm);
      return { migrated: migrated.map((m) => m.name) };
    } finally {
      await orm.close(true);
      await lock.release();
    }
  } finally {
    await connection.end();
  }
}

function openConnection(url: string): Promise<Connection> {
  const { host, port, user, password, dbName } = parseDatabaseUrl(url);
  return createConnection({ host, port, user, password, database: dbName });
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
