import { EntityManager } from '@mikro-orm/mysql';

/** The callback API of the mysql2 connections in MikroORM's (knex's) pool. */
interface PooledConnection {
  query(
    options: { sql: string; values: unknown[] },
    callback: (error: Error | null, rows: unknown) => void,
  ): void;
}

interface KnexClient {
  emit(event: 'query', query: { sql: string; bindings: readonly unknown[] }): boolean;
  acquireConnection(): Promise<PooledConnection>;
  releaseConnection(connection: PooledConnection): Promise<void>;
}

/**
 * Rows of one statement, straight from a mysql2 connection of MikroORM's pool: no query builder,
 * no entity hydration, no result transformation. For hot reads outside a transaction (the session
 * lookup of every request, the customer list), where those layers cost more CPU than the query
 * (bench/scale.ts). Same pool, same session settings (READ COMMITTED, UTC), and errors converted
 * as MikroORM converts them, so an unreachable database is still a 503.
 */
export async function plainRows<Row>(
  em: EntityManager,
  sql: string,
  params: readonly unknown[],
): Promise<Row[]> {
  const client = em.getConnection().getKnex().client as KnexClient;
  let connection: PooledConnection;
  try {
    connection = await client.acquireConnection();
  } catch (error) {
    throw driverError(em, error);
  }
  try {
    // Announced as knex announces its own queries, so query listeners still see every statement.
    client.emit('query', { sql, bindings: params });
    return await new Promise<Row[]>((resolve, reject) =>
      connection.query({ sql, values: [...params] }, (error, rows) =>
        error ? reject(driverError(em, error)) : resolve(rows as Row[]),
      ),
    );
  } finally {
    await client.releaseConnection(connection);
  }
}

/**
 * MikroORM's exception for a driver error, as `em.execute` would throw (a lost database is a 503).
 * Socket errors can come from another realm (Jest's sandbox), so no `instanceof Error` here.
 */
function driverError(em: EntityManager, error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'message' in error
    ? em.getDriver().convertException(error as Error)
    : error;
}
