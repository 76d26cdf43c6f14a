import type { Transaction } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/mysql';

type Connection = ReturnType<EntityManager['getConnection']>;

/** Per database connection: is the server a Galera node? Asked once, when first needed. */
const galeraByConnection = new WeakMap<object, Promise<boolean>>();

/**
 * Makes the following reads of the current transaction causal on a Galera cluster: before each
 * read the node waits until it has applied every commit the cluster had when the read began
 * (`wsrep_sync_wait=1`). For a process that acts on another process's commit, e.g. a worker
 * loading the row the API just inserted through another node, which its own node may not have
 * applied yet. A no-op on a server without Galera.
 *
 * Needs a transaction: a session variable is only sure to reach the reads on the same connection.
 * It stays on that pooled connection afterwards, which costs later reads a round trip, no more.
 */
export async function readYourCluster(em: EntityManager): Promise<void> {
  const trx = em.getTransactionContext<Transaction>();
  if (!em.isInTransaction() || !trx) {
    throw new Error('readYourCluster needs a transaction (em.transactional)');
  }
  await readYourClusterIn(em.getConnection(), trx);
}

/**
 * The same for a connection-level transaction (`connection.transactional`), which the relay uses
 * so that its own commits fire no ORM transaction events.
 */
export async function readYourClusterIn(connection: Connection, trx: Transaction): Promise<void> {
  let galera = galeraByConnection.get(connection);
  if (!galera) {
    galera = connection
      .execute<Array<{ Value: string }>>("SHOW GLOBAL VARIABLES LIKE 'wsrep_on'", [], 'all', trx)
      .then((rows) => rows[0]?.Value === 'ON');
    galeraByConnection.set(connection, galera);
    // A failed question is asked again next time.
    galera.catch(() => galeraByConnection.delete(connection));
  }
  if (await galera) await connection.execute('SET SESSION wsrep_sync_wait = 1', [], 'run', trx);
}
