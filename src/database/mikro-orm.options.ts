import { Options } from '@mikro-orm/core';
import { MySqlDriver } from '@mikro-orm/mysql';
import { MariaDbAwareMySqlDriver } from './mariadb-aware-driver';
import { Migrator } from '@mikro-orm/migrations';
import { ENTITIES } from '../entities';
import { MIGRATIONS } from './migrations';
import { MIGRATION_LOCK_TABLE } from './migration-lock';

interface MySqlPoolConnection {
  query(sql: string, callback: (error: Error | null) => void): void;
}

export interface DatabaseTarget {
  url: string;
  poolMax: number;
}

/** Splits `mysql://user:pass@host:port/db` into what MikroORM and mysql2 want. */
export function parseDatabaseUrl(url: string) {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 3306,
    user: decodeURIComponent(parsed.username) || 'root',
    password: decodeURIComponent(parsed.password),
    dbName: decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'clientele',
  };
}

export function buildOrmOptions(target: DatabaseTarget): Options<MySqlDriver> {
  const { host, port, user, password, dbName } = parseDatabaseUrl(target.url);
  return {
    driver: MariaDbAwareMySqlDriver,
    host,
    port,
    user,
    password,
    dbName,
    entities: ENTITIES,
    extensions: [Migrator],
    timezone: '+00:00',
    forceUtcTimezone: true,
    allowGlobalContext: false,
    debug: false,
    // MariaDB reports string defaults quoted, so DB-level string defaults would diff forever:
    // defaults live in the entities only (numeric ones are declared with `default` explicitly).
    discovery: { inferDefaultValues: false },
    // The migration lock's table is made before any migration runs (src/database/migration-lock.ts).
    schemaGenerator: { skipTables: [MIGRATION_LOCK_TABLE] },
    pool: {
      min: 0,
      max: target.poolMax,
      // READ COMMITTED for every connection: writers serialise on explicit row locks (customers
      // FOR UPDATE in id order); REPEATABLE READ's gap locks made cascades of different customers
      // deadlock each other (see src/suspension/cascade-transaction.ts).
      afterCreate: (
        connection: MySqlPoolConnection,
        done: (error: Error | null, connection: MySqlPoolConnection) => void,
      ) => {
        connection.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED', (error) =>
          done(error, connection),
        );
      },
    },
    charset: 'utf8mb4',
    collate: 'utf8mb4_unicode_ci',
    driverOptions: { connection: { supportBigNumbers: true } },
    migrations: {
      tableName: 'mikro_orm_migrations',
      migrationsList: MIGRATIONS,
      path: 'src/database/migrations',
      pathTs: 'src/database/migrations',
      // MySQL commits DDL implicitly, so wrapping migrations in transactions only misleads.
      transactional: false,
      allOrNothing: false,
      silent: true,
      snapshot: false,
      emit: 'ts',
    },
  };
}
