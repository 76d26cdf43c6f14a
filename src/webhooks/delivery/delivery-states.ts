import { Injectable } from '@nestjs/common';
import { EntityManager, IsolationLevel } from '@mikro-orm/mysql';
import { fromSqlDate, toSqlDate } from '../../common/sql-dates';
import { retryOnLockConflict } from '../../database/lock-conflicts';
import { DeliveryState } from './event-delivery.entity';
import { GroupBatcher } from './group-batcher';
import { OutboxRow, RELAYED_COLUMNS, RelayedEvent, toRelayedEvent } from './relay.service';

/** A delivery a worker took, with its event. */
export interface ClaimedDelivery {
  id: string;
  /** The wake-up job it was taken under: a resend meanwhile gives it another, and then wins. */
  wakeJob: string;
  attempts: number;
  firstAttemptAt: Date;
  event: RelayedEvent;
}

/** Where a delivery goes after an attempt that did not succeed (or was not made). */
export interface DeliveryNext {
  delivery: ClaimedDelivery;
  state: Exclude<DeliveryState, 'succeeded'>;
  /** Counts the attempt (false: held back, not attempted). */
  attempted: boolean;
  nextAttemptAt: Date | null;
  wakeJob: string | null;
  lastError: string | null;
}

interface ClaimRow {
  id: string | number;
  event_id: string | number;
  attempts: number;
  first_attempt_at: string | Date | null;
}

const MOVE_ON_AT_ONCE = 4;
const ids = (list: string[]) => list.map(() => '?').join(',');
/**
 * Still the worker's to record: not re-keyed by a resend or the sweep since it was taken. The
 * `id IN` list makes it a primary-key lookup (a row constructor alone may be scanned, locking
 * rows of other workers); ids go in ascending order, so concurrent statements lock rows in the
 * same order.
 */
const taken = (list: ClaimedDelivery[]) =>
  `id IN (${ids(list.map((d) => d.id))}) AND (id, wake_job) IN (${list.map(() => '(?, ?)').join(',')})`;
const takenParams = (list: ClaimedDelivery[]) => {
  const sorted = [...list].sort((a, b) => Number(a.id) - Number(b.id));
  return [...sorted.map((d) => d.id), ...sorted.flatMap((d) => [d.id, d.wakeJob])];
};

/**
 * The state of deliveries in `event_delivery`, as workers move it: take the due deliveries of a
 * wake-up job under a lease, keep the lease while sending, and record each outcome. Successes of
 * concurrent batches share one UPDATE (group commit), so a delivery is marked within milliseconds
 * of its 2xx: a worker killed after sending leaves few deliveries that are sent again.
 */
@Injectable()
export class DeliveryStates {
  // Up to four UPDATEs at once: a success waits for no other's round trip before it is marked.
  private readonly successes = new GroupBatcher<ClaimedDelivery, void>(
    (list) => this.markSucceeded(list),
    500,
    4,
  );

  constructor(private readonly em: EntityManager) {}

  /**
   * Takes the due pending deliveries of `wakeJob` and moves them `leaseMs` ahead: if this worker
   * dies, they fall due again then. A plain FOR UPDATE, not SKIP LOCKED: rows are locked only for
   * moments (a relay's or another claim's statement), and skipping one would leave it to the sweep;
   * a job run twice at once waits, then finds its rows no longer due. The wake_job index is
   * forced: on the (state, next_attempt_at) index the optimizer sometimes picks, the locking read
   * would lock every due row of other jobs too, and claims deadlocked with each other. Returns them in
   * the order they are to be sent: by customer, then by the customer's `sequence`.
   */
  async claim(wakeJob: string, leaseMs: number): Promise<ClaimedDelivery[]> {
    const connection = this.em.getConnection();
    return retryOnLockConflict(() => this.claimOnce(connection, wakeJob, leaseMs));
  }

  private claimOnce(
    connection: ReturnType<EntityManager['getConnection']>,
    wakeJob: string,
    leaseMs: number,
  ): Promise<ClaimedDelivery[]> {
    return connection.transactional(
      async (trx) => {
        const now = new Date();
        const rows = await connection.execute<ClaimRow[]>(
          `SELECT id, event_id, attempts, first_attempt_at FROM event_delivery FORCE INDEX (event_delivery_wake_job_idx)
            WHERE wake_job = ? AND state = 'pending' AND next_attempt_at <= ? FOR UPDATE`,
          [wakeJob, toSqlDate(now)],
          'all',
          trx,
        );
        if (rows.length === 0) return [];
        const claimed = rows.map((row) => String(row.id));
        const [, events] = await Promise.all([
          connection.execute(
            `UPDATE event_delivery SET next_attempt_at = ?, first_attempt_at = COALESCE(first_attempt_at, ?)
              WHERE id IN (${ids(claimed)})`,
            [toSqlDate(new Date(now.getTime() + leaseMs)), toSqlDate(now), ...claimed],
            'run',
            trx,
          ),
          connection.execute<OutboxRow[]>(
            `SELECT ${RELAYED_COLUMNS} FROM outbox_event WHERE id IN (${ids(rows.map((r) => String(r.event_id)))})
              ORDER BY customer_id, sequence, id`,
            rows.map((r) => String(r.event_id)),
            'all',
            trx,
          ),
        ]);
        const byEvent = new Map(rows.map((row) => [String(row.event_id), row]));
        return events.map((outboxRow) => {
          const row = byEvent.get(String(outboxRow.id)) as ClaimRow;
          return {
            id: String(row.id),
            wakeJob,
            attempts: Number(row.attempts),
            firstAttemptAt: fromSqlDate(row.first_attempt_at) ?? now,
            event: toRelayedEvent(outboxRow),
          };
        });
      },
      { isolationLevel: IsolationLevel.READ_COMMITTED },
    );
  }

  /** Keeps deliveries still being sent from falling due (the lease of `claim`). */
  async extendLease(deliveries: ClaimedDelivery[], leaseMs: number): Promise<void> {
    if (deliveries.length === 0) return;
    await retryOnLockConflict(() =>
      this.em
        .getConnection()
        .execute(
          `UPDATE event_delivery SET next_attempt_at = ? WHERE state = 'pending' AND ${taken(deliveries)}`,
          [toSqlDate(new Date(Date.now() + leaseMs)), ...takenParams(deliveries)],
          'run',
        ),
    );
  }

  /** Resolves once the delivery is recorded as succeeded. */
  succeeded(delivery: ClaimedDelivery): Promise<void> {
    return this.successes.add(delivery);
  }

  /** Records where each delivery goes next: a retry (with its wake-up job) or `failed`. */
  async moveOn(next: DeliveryNext[]): Promise<void> {
    if (next.length === 0) return;
    const now = toSqlDate(new Date());
    // One statement per delivery (each has its own time), a few at a time so a batch of failures
    // does not take every pooled connection.
    for (let start = 0; start < next.length; start += MOVE_ON_AT_ONCE)
      await Promise.all(
        next.slice(start, start + MOVE_ON_AT_ONCE).map((n) =>
          retryOnLockConflict(() =>
            this.em.getConnection().execute(
              `UPDATE event_delivery SET state = ?, attempts = attempts + ?, next_attempt_at = ?, wake_job = ?,
                    last_error = COALESCE(?, last_error), updated_at = ?
              WHERE id = ? AND wake_job = ? AND state = 'pending'`,
              [
                n.state,
                n.attempted ? 1 : 0,
                n.nextAttemptAt && toSqlDate(n.nextAttemptAt),
                n.wakeJob,
                n.lastError,
                now,
                n.delivery.id,
                n.delivery.wakeJob,
              ],
              'run',
            ),
          ),
        ),
      );
  }

  private async markSucceeded(list: ClaimedDelivery[]): Promise<void[]> {
    const now = toSqlDate(new Date());
    await retryOnLockConflict(() =>
      this.em.getConnection().execute(
        `UPDATE event_delivery SET state = 'succeeded', attempts = attempts + 1, next_attempt_at = NULL,
                  wake_job = NULL, last_error = NULL, updated_at = ?
            WHERE state = 'pending' AND ${taken(list)}`,
        [now, ...takenParams(list)],
        'run',
      ),
    );
    return list.map(() => undefined);
  }
}
