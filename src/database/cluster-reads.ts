import type { EntityManager } from '@mikro-orm/mysql';

/** Per database (driver): is the server a Galera node? Asked once, when first needed. */
const galeraByDriver = new WeakMap<object, Promise<boolean>>();

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
  if (!em.isInTransaction()) {
    throw new Error('readYourCluster needs a transaction (em.transactional)');
  }
  const driver = em.getDriver();
  let galera = galeraByDriver.get(driver);
  if (!galera) {
    galera = em
      .execute<Array<{ Value: string }>>("SHOW GLOBAL VARIABLES LIKE 'wsrep_on'")
      .then((rows) => rows[0]?.Value === 'ON');
    galeraByDriver.set(driver, galera);
    // A failed question is asked again next time.
    galera.catch(() => galeraByDriver.delete(driver));
  }
  if (await galera) await em.execute('SET SESSION wsrep_sync_wait = 1', [], 'run');
}
