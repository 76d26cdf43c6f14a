import { randomUUID } from 'node:crypto';
import type { Connection } from 'mysql2/promise';

/** Outside the entities and migrations: it must exist before the first migration runs. */
export const MIGRATION_LOCK_TABLE = 'clientele_migration_lock';

/** A holder that stops renewing (a crashed process) loses the lock after this long. */
const LEASE_SECONDS = 60;
const RENEW_EVERY_MS = 10_000;
/** How long a process waits for another one's migrations before giving up. */
const WAIT_MS = 300_000;

/**
 * The lock under which one process migrates while the others wait, honoured by every node of a
 * Galera cluster. GET_LOCK and row locks are local to a node there; a committed write is not:
 * taking the lock is a committed INSERT of one row, and two nodes inserting it at once end with
 * one winner (the other gets a duplicate key, or 1213 from certification). The row is a lease,
 * renewed while the holder works, so the lock of a crashed process expires.
 *
 * Uses its own connection (not a pooled one), autocommit, so no transaction stays open.
 */
export class MigrationLock {
  private readonly holder = randomUUID();
  private renewal: NodeJS.Timeout | undefined;

  constructor(
    private readonly connection: Connection,
    private readonly name: string,
  ) {}

  async acquire(): Promise<void> {
    await this.connection.query(
      `CREATE TABLE IF NOT EXISTS ${MIGRATION_LOCK_TABLE} (
        name VARCHAR(64) NOT NULL PRIMARY KEY,
        holder CHAR(36) NOT NULL,
        expires_at DATETIME(3) NOT NULL
      ) ENGINE=InnoDB`,
    );
    const deadline = Date.now() + WAIT_MS;
    while (!(await this.tryTake())) {
      if (Date.now() > deadline) {
        throw new Error(
          `could not take the migration lock ${this.name} within ${WAIT_MS / 1000} s`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 200 + Math.random() * 300));
    }
    this.renewal = setInterval(() => void this.renew(), RENEW_EVERY_MS);
    this.renewal.unref();
  }

  async release(): Promise<void> {
    clearInterval(this.renewal);
    await this.connection.query(
      `DELETE FROM ${MIGRATION_LOCK_TABLE} WHERE name = ? AND holder = ?`,
      [this.name, this.holder],
    );
  }

  /** Inserts the row, or takes over an expired lease; false while someone else holds it. */
  private async tryTake(): Promise<boolean> {
    try {
      await this.connection.query(
        `INSERT INTO ${MIGRATION_LOCK_TABLE} (name, holder, expires_at)
         VALUES (?, ?, UTC_TIMESTAMP(3) + INTERVAL ${LEASE_SECONDS} SECOND)`,
        [this.name, this.holder],
      );
      return true;
    } catch (error) {
      if (!isContention(error)) throw error;
    }
    try {
      const [result] = await this.connection.query(
        `UPDATE ${MIGRATION_LOCK_TABLE}
            SET holder = ?, expires_at = UTC_TIMESTAMP(3) + INTERVAL ${LEASE_SECONDS} SECOND
          WHERE name = ? AND expires_at < UTC_TIMESTAMP(3)`,
        [this.holder, this.name],
      );
      return (result as { affectedRows: number }).affectedRows === 1;
    } catch (error) {
      if (isContention(error)) return false;
      throw error;
    }
  }

  private async renew(): Promise<void> {
    await this.connection
      .query(
        `UPDATE ${MIGRATION_LOCK_TABLE}
            SET expires_at = UTC_TIMESTAMP(3) + INTERVAL ${LEASE_SECONDS} SECOND
          WHERE name = ? AND holder = ?`,
        [this.name, this.holder],
      )
      // A missed renewal is retried in RENEW_EVERY_MS; the lease outlasts several of them.
      .catch(() => undefined);
  }
}

/** Someone else holds (or is taking) the lock: duplicate key, deadlock or Galera certification. */
function isContention(error: unknown): boolean {
  const errno = (error as { errno?: unknown }).errno;
  return errno === 1062 || errno === 1213 || errno === 1205;
}
