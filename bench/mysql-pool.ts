import { createPool, Pool, PoolOptions } from 'mysql2/promise';
import { parseDatabaseUrl } from '../src/database/mikro-orm.options';

/** A plain mysql2 pool on DATABASE_URL's server and database, for the baselines and the seeds. */
export function mysqlPool(databaseUrl: string, options: PoolOptions = {}): Pool {
  const { host, port, user, password, dbName } = parseDatabaseUrl(databaseUrl);
  return createPool({ host, port, user, password, database: dbName, ...options });
}
