import { EntityManager } from '@mikro-orm/mysql';
import { Condition, EventBatch, EventContext, PreparedEvent } from '../events/event-batch';
import { DomainStatusData, SubscriptionStatusData } from '../events/event-payloads';
import { domainViewSql } from '../hosting/domain.views';
import { subscriptionViewSql } from '../hosting/subscription.views';
import { reasonsJsonSql, statusSql } from '../hosting/reasons.sql';
import { ALL_REASONS, SuspensionReason } from '../hosting/suspension-reason';
import { jsonObjectSql } from '../hosting/view-fields';

export type { Condition } from '../events/event-batch';
export type ChangeContext = EventContext;

/** What one step did: rows whose reasons changed, and among them those whose status changed. */
export interface StepResult {
  changed: number;
  transitions: number;
}

export const idsIn = (column: string, ids: readonly number[]): Condition =>
  ids.length === 0
    ? { sql: 'FALSE', params: [] }
    : { sql: `${column} IN (${ids.map(() => '?').join(', ')})`, params: [...ids] };

/** Integers we read from the database, inlined into SQL (never user input). */
const integers = (values: Iterable<number>) =>
  [...values].map((value) => {
    if (!Number.isSafeInteger(value)) throw new Error(`not an integer: ${value}`);
    return String(value);
  });

/**
 * The set-based statements of one status change, inside the caller's transaction, for customers
 * the caller has locked (`lastSequences`: their `event_sequence`, read under the lock). Each step
 * is two statements whatever the number of rows: the events of exactly the rows whose effective
 * status changes (the event writer's `INSERT ... SELECT`, given the rows and the payload as SQL),
 * then a single-table `UPDATE`. New reasons are idempotent SQL expressions (`r | bit`,
 * `r & ~bit`, a recomputation), so redoing a step changes nothing and emits nothing.
 *
 * No statement joins another table into an UPDATE: InnoDB share-locks rows read that way, even
 * other customers' rows, and concurrent cascades then deadlock. Reads are plain (consistent) reads.
 */
export class CascadeStatements {
  /** The events of this change: numbered per customer, stamped with one moment. */
  private readonly events: EventBatch;
  /** The customers of this change, as locked by the caller. */
  private readonly customers: number[];

  constructor(
    private readonly em: EntityManager,
    context: ChangeContext,
    lastSequences: ReadonlyMap<number, number>,
    moment = new Date(),
  ) {
    this.events = new EventBatch(em, context, lastSequences, moment);
    this.customers = [...lastSequences.keys()];
  }

  /** The moment of the change (DATETIME(3) literal): rows' `updated_at` and events' `created_at`. */
  get timestamp(): string {
    return this.events.timestamp;
  }

  /** Applies `next` (an expression over `s.suspended_reasons`) to the subscriptions matching `where` (alias `s`). */
  async changeSubscriptions(where: Condition, next: string): Promise<StepResult> {
    const transitions = await this.events.insertSelected({
      type: `IF((${next}) = 0, 'subscription.activated', 'subscription.suspended')`,
      objectType: 'subscription',
      from: { table: 'subscription', alias: 's' },
      where: { sql: `(${where.sql}) AND ${isTransition('s', next)}`, params: where.params },
      payload: jsonObjectSql<SubscriptionStatusData>({
        subscription: subscriptionViewSql('s', next, this.timestamp),
        reasonsBefore: reasonsJsonSql('s.suspended_reasons'),
        reasonsAfter: reasonsJsonSql(next),
      }),
    });
    // Status first: MariaDB evaluates single-table assignments left to right with new values.
    const changed = await this.run(
      `UPDATE subscription s SET s.status = ${statusSql(next)}, s.updated_at = ${this.timestamp}, s.suspended_reasons = ${next}
        WHERE (${where.sql}) AND (${next}) <> s.suspended_reasons`,
      where.params,
    );
    return { changed, transitions };
  }

  /** Applies `next` (an expression over `d.suspended_reasons`) to the domains matching `where` (alias `d`). */
  async changeDomains(where: Condition, next: string): Promise<StepResult> {
    const transitions = await this.events.insertSelected({
      type: `IF((${next}) = 0, 'domain.activated', 'domain.suspended')`,
      objectType: 'domain',
      from: { table: 'domain', alias: 'd' },
      where: { sql: `(${where.sql}) AND ${isTransition('d', next)}`, params: where.params },
      payload: jsonObjectSql<DomainStatusData>({
        domain: domainViewSql('d', next, this.timestamp),
        reasonsBefore: reasonsJsonSql('d.suspended_reasons'),
        reasonsAfter: reasonsJsonSql(next),
      }),
    });
    const changed = await this.run(
      `UPDATE domain d SET d.status = ${statusSql(next)}, d.updated_at = ${this.timestamp}, d.suspended_reasons = ${next}
        WHERE (${where.sql}) AND (${next}) <> d.suspended_reasons`,
      where.params,
    );
    return { changed, transitions };
  }

  /**
   * Gives the domains matching `domains` (alias `d`) the reason `subscription` exactly while their
   * subscription has any reason: one read of the suspended subscriptions in `subscriptions` (alias `s`), then one step.
   */
  async syncDomainsWithSubscriptions(
    subscriptions: Condition,
    domains: Condition,
  ): Promise<StepResult> {
    const suspended = await this.em.execute<Array<{ id: number }>>(
      `SELECT s.id FROM subscription s WHERE (${subscriptions.sql}) AND s.suspended_reasons <> 0`,
      subscriptions.params,
    );
    const bit = SuspensionReason.Subscription;
    const flag =
      suspended.length === 0
        ? '0'
        : `IF(d.subscription_id IN (${integers(suspended.map((row) => row.id)).join(', ')}), ${bit}, 0)`;
    return this.changeDomains(domains, `(d.suspended_reasons & ${ALL_REASONS & ~bit}) | ${flag}`);
  }

  /**
   * One event per customer of this change, built in SQL from the customer rows (alias `c`) as this
   * transaction left them: one `INSERT ... SELECT`, no entity loaded.
   */
  announceCustomers(
    type: 'customer.suspended' | 'customer.activated',
    payload: string,
  ): Promise<number> {
    return this.events.insertSelected({
      type: `'${type}'`,
      objectType: 'customer',
      from: { table: 'customer', alias: 'c', customerColumn: 'id' },
      where: idsIn('c.id', [...this.customers]),
      payload,
      onePerCustomer: true,
    });
  }

  /** Writes events prepared in TypeScript (a handful of customers) in one statement. */
  insertPrepared(events: PreparedEvent[]): Promise<void> {
    return this.events.insertPrepared(events);
  }

  /** Stores each customer's last event sequence: one single-table UPDATE of the rows the caller has locked. */
  saveSequences(): Promise<void> {
    return this.events.finish();
  }

  async run(sql: string, params: unknown[]): Promise<number> {
    const result = await this.em.execute<{ affectedRows: number }>(sql, params, 'run');
    return result.affectedRows;
  }
}

/** True for a row whose effective status changes: suspended exactly while any reason is set. */
const isTransition = (alias: string, next: string) =>
  `((${next}) = 0) <> (${alias}.suspended_reasons = 0)`;
