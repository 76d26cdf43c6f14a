import { EntityManager } from '@mikro-orm/mysql';
import { domainViewSql } from '../hosting/domain.views';
import { subscriptionViewSql } from '../hosting/subscription.views';
import { datetimeLiteral, reasonsJsonSql, statusSql } from '../hosting/reasons.sql';
import { ALL_REASONS, SuspensionReason } from '../hosting/suspension-reason';

export interface ChangeContext {
  /** `admin:<id>`, `customer:<id>` or `system`. */
  actor: string;
  /** The bulk job that caused the change, if any. */
  jobId?: number | null;
}

/** A WHERE condition with its parameters. */
export interface Condition {
  sql: string;
  params: unknown[];
}

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

const INSERT_EVENT =
  'INSERT INTO outbox_event (type, object_type, object_id, customer_id, sequence, actor, job_id, payload, created_at)';

/**
 * The set-based statements of one status change, inside the caller's transaction, for customers
 * the caller has locked (`lastSequences`: their `event_sequence`, read under the lock). Each step
 * is two statements whatever the number of rows: an `INSERT ... SELECT` that writes the events of
 * exactly the rows whose effective status changes (payload and per-customer sequence built in
 * SQL), then a single-table `UPDATE`. New reasons are idempotent SQL expressions (`r | bit`,
 * `r & ~bit`, a recomputation), so redoing a step changes nothing and emits nothing.
 *
 * No statement joins another table into an UPDATE: InnoDB share-locks rows read that way, even
 * other customers' rows, and concurrent cascades then deadlock. Reads are plain (consistent) reads.
 */
export class CascadeStatements {
  private readonly now: string;
  private readonly sequences: Map<number, number>;
  private readonly touched = new Set<number>();

  constructor(
    private readonly em: EntityManager,
    private readonly context: ChangeContext,
    lastSequences: ReadonlyMap<number, number>,
    moment = new Date(),
  ) {
    this.now = datetimeLiteral(moment);
    this.sequences = new Map(lastSequences);
  }

  get timestamp(): string {
    return this.now;
  }

  /** Applies `next` (an expression over `s.suspended_reasons`) to the subscriptions matching `where` (alias `s`). */
  async changeSubscriptions(where: Condition, next: string): Promise<StepResult> {
    const transitions = await this.insertEvents(
      `SELECT IF((${next}) = 0, 'subscription.activated', 'subscription.suspended'), 'subscription', s.id, s.customer_id, ${this.sequenceSql('s')}, ?, ?,
              JSON_OBJECT('subscription', ${subscriptionViewSql('s', next, this.now)},
                          'reasonsBefore', ${reasonsJsonSql('s.suspended_reasons')}, 'reasonsAfter', ${reasonsJsonSql(next)}),
              ${this.now}
         FROM subscription s
        WHERE (${where.sql}) AND ((${next}) = 0) <> (s.suspended_reasons = 0)
        ORDER BY s.customer_id, s.id`,
      where.params,
    );
    // Status first: MariaDB evaluates single-table assignments left to right with new values.
    const changed = await this.run(
      `UPDATE subscription s SET s.status = ${statusSql(next)}, s.updated_at = ${this.now}, s.suspended_reasons = ${next}
        WHERE (${where.sql}) AND (${next}) <> s.suspended_reasons`,
      where.params,
    );
    return { changed, transitions };
  }

  /** Applies `next` (an expression over `d.suspended_reasons`) to the domains matching `where` (alias `d`). */
  async changeDomains(where: Condition, next: string): Promise<StepResult> {
    const transitions = await this.insertEvents(
      `SELECT IF((${next}) = 0, 'domain.activated', 'domain.suspended'), 'domain', d.id, d.customer_id, ${this.sequenceSql('d')}, ?, ?,
              JSON_OBJECT('domain', ${domainViewSql('d', next, this.now)},
                          'reasonsBefore', ${reasonsJsonSql('d.suspended_reasons')}, 'reasonsAfter', ${reasonsJsonSql(next)}),
              ${this.now}
         FROM domain d
        WHERE (${where.sql}) AND ((${next}) = 0) <> (d.suspended_reasons = 0)
        ORDER BY d.customer_id, d.id`,
      where.params,
    );
    const changed = await this.run(
      `UPDATE domain d SET d.status = ${statusSql(next)}, d.updated_at = ${this.now}, d.suspended_reasons = ${next}
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

  /** Writes events prepared in TypeScript (a handful of customers) in one statement, numbered here. */
  async insertPrepared(
    rows: Array<{
      type: string;
      objectType: string;
      objectId: number;
      customerId: number;
      payload: unknown;
    }>,
  ): Promise<void> {
    if (rows.length === 0) return;
    const values = rows.map((row) => {
      const sequence = this.reserve(row.customerId, 1);
      return [
        row.type,
        row.objectType,
        row.objectId,
        row.customerId,
        sequence,
        this.context.actor,
        this.context.jobId ?? null,
        JSON.stringify(row.payload),
      ];
    });
    await this.run(
      `${INSERT_EVENT} VALUES ${rows.map(() => `(?, ?, ?, ?, ?, ?, ?, ?, ${this.now})`).join(', ')}`,
      values.flat(),
    );
  }

  /** Stores each customer's last event sequence: one single-table UPDATE of the rows the caller has locked. */
  async saveSequences(): Promise<void> {
    if (this.touched.size === 0) return;
    const ids = [...this.touched];
    const cases = ids
      .map((id) => `WHEN ${integers([id])[0]} THEN ${integers([this.sequences.get(id) ?? 0])[0]}`)
      .join(' ');
    await this.run(
      `UPDATE customer SET event_sequence = CASE id ${cases} END WHERE id IN (${integers(ids).join(', ')})`,
      [],
    );
  }

  async run(sql: string, params: unknown[]): Promise<number> {
    const result = await this.em.execute<{ affectedRows: number; insertId: number }>(
      sql,
      params,
      'run',
    );
    return result.affectedRows;
  }

  /** `base + ROW_NUMBER()` per customer, the bases inlined from what this change has used so far. */
  private sequenceSql(alias: string): string {
    const cases = [...this.sequences]
      .map(([id, last]) => `WHEN ${integers([id])[0]} THEN ${integers([last])[0]}`)
      .join(' ');
    const base = cases === '' ? 'NULL' : `CASE ${alias}.customer_id ${cases} END`;
    return `${base} + ROW_NUMBER() OVER (PARTITION BY ${alias}.customer_id ORDER BY ${alias}.id)`;
  }

  /**
   * Runs an `INSERT ... SELECT` of events and advances the customers' sequences by what it wrote:
   * by the row count for one customer, otherwise by one plain read of the new rows' last sequences.
   */
  private async insertEvents(select: string, whereParams: unknown[]): Promise<number> {
    const result = await this.em.execute<{ affectedRows: number; insertId: number }>(
      `${INSERT_EVENT} ${select}`,
      [this.context.actor, this.context.jobId ?? null, ...whereParams],
      'run',
    );
    if (result.affectedRows === 0) return 0;
    if (this.sequences.size === 1) {
      const [customerId] = this.sequences.keys();
      this.reserve(customerId, result.affectedRows);
      return result.affectedRows;
    }
    const customers = [...this.sequences.keys()];
    const written = await this.em.execute<Array<{ customer_id: number; last: number }>>(
      `SELECT customer_id, MAX(sequence) AS last FROM outbox_event WHERE id >= ? AND customer_id IN (${integers(customers).join(', ')}) GROUP BY customer_id`,
      [result.insertId],
    );
    for (const row of written) {
      this.sequences.set(row.customer_id, Number(row.last));
      this.touched.add(row.customer_id);
    }
    return result.affectedRows;
  }

  /** Takes `count` sequence numbers of a customer and returns the first. */
  private reserve(customerId: number, count: number): number {
    const first = (this.sequences.get(customerId) ?? 0) + 1;
    this.sequences.set(customerId, first + count - 1);
    this.touched.add(customerId);
    return first;
  }
}
