import type { EntityManager } from '@mikro-orm/mysql';

/** Per process: is the server a Galera node? Asked once, when a causal read is first wanted. */
let galera: Promise<boolean> | undefined;

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
  galera ??= em
    .execute<Array<{ Value: string }>>("SHOW GLOBAL VARIABLES LIKE 'wsrep_on'")
    .then((rows) => rows[0]?.Value === 'ON')
    .catch((error: unknown) => {
      galera = undefined;
      throw error;
    });
  if (await galera) await em.execute('SET SESSION wsrep_sync_wait = 1', [], 'run');
}
