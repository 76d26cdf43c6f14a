import { EntityManager } from '@mikro-orm/mysql';
import { domainViewSql } from '../domains/domain.views';
import { subscriptionViewSql } from '../subscriptions/subscription.views';
import { datetimeLiteral, reasonsJsonSql, statusSql } from './reasons.sql';
import { ALL_REASONS, SuspensionReason } from './suspension-reason';

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
  ids.length === 0 ? { sql: 'FALSE', params: [] } : { sql: `${column} IN (${ids.map(() => '?').join(', ')})`, params: [...ids] };

/**
 * The set-based statements of one status change, inside the caller's transaction. Each step is
 * two statements whatever the number of rows: an `INSERT ... SELECT` that writes the events of
 * exactly the rows whose effective status changes (payload built in SQL), then the `UPDATE`.
 * New reasons are SQL expressions that are idempotent (`r | bit`, `r & ~bit`, a recomputation),
 * so redoing a step changes nothing and emits nothing. Events are numbered per customer at the end.
 */
export class CascadeStatements {
  private readonly now: string;
  private firstEventId: number | null = null;

  constructor(
    private readonly em: EntityManager,
    private readonly context: ChangeContext,
    moment = new Date(),
  ) {
    this.now = datetimeLiteral(moment);
  }

  /** Applies `next` (an expression over `s.suspended_reasons`) to the subscriptions matching `where` (alias `s`). */
  async changeSubscriptions(where: Condition, next: string): Promise<StepResult> {
    const transitions = await this.run(
      `INSERT INTO outbox_event (type, object_type, object_id, customer_id, actor, job_id, payload, created_at)
       SELECT IF((${next}) = 0, 'subscription.activated', 'subscription.suspended'), 'subscription', s.id, s.customer_id, ?, ?,
              JSON_OBJECT('subscription', ${subscriptionViewSql('s', next, this.now)},
                          'reasonsBefore', ${reasonsJsonSql('s.suspended_reasons')}, 'reasonsAfter', ${reasonsJsonSql(next)}),
              ${this.now}
         FROM subscription s
        WHERE (${where.sql}) AND ((${next}) = 0) <> (s.suspended_reasons = 0)
        ORDER BY s.customer_id, s.id`,
      [this.context.actor, this.context.jobId ?? null, ...where.params],
    );
    // Status first: MariaDB evaluates single-table assignments left to right with new values.
    const changed = await this.run(
      `UPDATE subscription s SET s.status = ${statusSql(next)}, s.updated_at = ${this.now}, s.suspended_reasons = ${next}
        WHERE (${where.sql}) AND (${next}) <> s.suspended_reasons`,
      where.params,
    );
    return { changed, transitions };
  }

  /** Applies `next` (an expression over `d.suspended_reasons` and its subscription's `s.suspended_reasons`) to the domains matching `where`. */
  async changeDomains(where: Condition, next: string): Promise<StepResult> {
    const transitions = await this.run(
      `INSERT INTO outbox_event (type, object_type, object_id, customer_id, actor, job_id, payload, created_at)
       SELECT IF((${next}) = 0, 'domain.activated', 'domain.suspended'), 'domain', d.id, d.customer_id, ?, ?,
              JSON_OBJECT('domain', ${domainViewSql('d', next, this.now)},
                          'reasonsBefore', ${reasonsJsonSql('d.suspended_reasons')}, 'reasonsAfter', ${reasonsJsonSql(next)}),
              ${this.now}
         FROM domain d JOIN subscription s ON s.id = d.subscription_id
        WHERE (${where.sql}) AND ((${next}) = 0) <> (d.suspended_reasons = 0)
        ORDER BY d.customer_id, d.id`,
      [this.context.actor, this.context.jobId ?? null, ...where.params],
    );
    // `next` is idempotent, so the order in which a multi-table UPDATE assigns does not matter.
    const changed = await this.run(
      `UPDATE domain d JOIN subscription s ON s.id = d.subscription_id
          SET d.status = ${statusSql(next)}, d.updated_at = ${this.now}, d.suspended_reasons = ${next}
        WHERE (${where.sql}) AND (${next}) <> d.suspended_reasons`,
      where.params,
    );
    return { changed, transitions };
  }

  /** Gives the domains matching `where` the reason `subscription` exactly while their subscription has any reason. */
  syncDomainsWithSubscriptions(where: Condition): Promise<StepResult> {
    const bit = SuspensionReason.Subscription;
    return this.changeDomains(where, `(d.suspended_reasons & ${ALL_REASONS & ~bit}) | IF(s.suspended_reasons <> 0, ${bit}, 0)`);
  }

  /** Writes status events prepared in TypeScript (a handful of customers) in one statement. */
  async insertEvents(rows: Array<{ type: string; objectType: string; objectId: number; customerId: number; payload: unknown }>): Promise<void> {
    if (rows.length === 0) return;
    await this.run(
      `INSERT INTO outbox_event (type, object_type, object_id, customer_id, actor, job_id, payload, created_at)
       VALUES ${rows.map(() => `(?, ?, ?, ?, ?, ?, ?, ${this.now})`).join(', ')}`,
      rows.flatMap((row) => [row.type, row.objectType, row.objectId, row.customerId, this.context.actor, this.context.jobId ?? null, JSON.stringify(row.payload)]),
    );
  }

  /**
   * Numbers the events this change wrote, per customer in id order, continuing each customer's
   * `event_sequence`: two statements for any number of events. The customers are locked by the
   * caller, so no one else writes events for them meanwhile.
   */
  async assignSequences(customerIds: readonly number[]): Promise<void> {
    if (this.firstEventId === null || customerIds.length === 0) return;
    const customers = idsIn('customer_id', customerIds);
    await this.run(
      `UPDATE outbox_event e
         JOIN (SELECT id, ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY id) AS n
                 FROM outbox_event WHERE ${customers.sql} AND id >= ? AND sequence IS NULL) numbered ON numbered.id = e.id
         JOIN customer c ON c.id = e.customer_id
          SET e.sequence = c.event_sequence + numbered.n`,
      [...customers.params, this.firstEventId],
    );
    await this.run(
      `UPDATE customer c
         JOIN (SELECT customer_id, MAX(sequence) AS last FROM outbox_event WHERE ${customers.sql} AND id >= ? GROUP BY customer_id) written
           ON written.customer_id = c.id
          SET c.event_sequence = written.last`,
      [...customers.params, this.firstEventId],
    );
  }

  get timestamp(): string {
    return this.now;
  }

  async run(sql: string, params: unknown[]): Promise<number> {
    const result = await this.em.getConnection().execute<{ affectedRows: number; insertId: number }>(sql, params, 'run', this.em.getTransactionContext());
    if (sql.trimStart().startsWith('INSERT INTO outbox_event') && result.affectedRows > 0 && this.firstEventId === null) {
      this.firstEventId = Number(result.insertId);
    }
    return result.affectedRows;
  }
}
