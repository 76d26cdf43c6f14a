import { EntityManager } from '@mikro-orm/mysql';
import { datetimeLiteral } from '../hosting/reasons.sql';
import { EventPayload, objectTypeOf } from './event-catalog';
import { EventObjectType, EventType } from './event-types';

/** Who causes the events of a change. */
export interface EventContext {
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

/** The events of a set of rows, given as SQL fragments; the writer adds everything else. */
export interface SelectedEvents {
  /** SQL: each row's event type (may depend on the row). */
  type: string;
  objectType: EventObjectType;
  /**
   * The table and its alias, `subscription s`: `<alias>.id` is the object, `<alias>.customer_id`
   * its customer (`customerColumn` names another column: `id` for the customer table itself).
   */
  from: { table: string; alias: string; customerColumn?: string };
  /** Exactly the rows that get an event. */
  where: Condition;
  /** SQL: each row's payload (a `JSON_OBJECT`). */
  payload: string;
  /**
   * The rows are exactly one per customer of the batch (a customer's own event): its counters
   * advance by one each, without reading back what was written.
   */
  onePerCustomer?: boolean;
}

/** An event whose payload was built in TypeScript. */
export type PreparedEvent = {
  [Type in EventType]: {
    type: Type;
    objectId: number;
    customerId: number;
    payload: EventPayload<Type>;
  };
}[EventType];

export const OUTBOX_COLUMNS =
  'type, object_type, object_id, customer_id, sequence, actor, job_id, payload, created_at';

/** Integers we read from the database, inlined into SQL (never user input). */
const integers = (values: Iterable<number>) =>
  [...values].map((value) => {
    if (!Number.isSafeInteger(value)) throw new Error(`not an integer: ${value}`);
    return String(value);
  });

/**
 * The events of one change to many rows, written with a constant number of statements inside the
 * caller's transaction, for customers the caller has locked (`lastSequences`: their
 * `event_sequence`, read under the lock). Sequence numbers are counted here from those values
 * and stored once by `finish()`: a single-table UPDATE of rows the caller already locked.
 *
 * All events of a batch carry the same moment (`timestamp`), which the caller also uses for the
 * rows' `updated_at`, so a payload's `updatedAt` equals its event's `created_at`. Until `finish()`,
 * the batch alone numbers its customers' events: `EventOutbox.record` for one of them in between
 * would take a number the batch also gives.
 */
export class EventBatch {
  private readonly now: string;
  private readonly sequences: Map<number, number>;
  private readonly touched = new Set<number>();

  constructor(
    private readonly em: EntityManager,
    private readonly context: EventContext,
    lastSequences: ReadonlyMap<number, number>,
    moment = new Date(),
  ) {
    if (!em.isInTransaction())
      throw new Error('Events are written inside the transaction of their change');
    this.now = datetimeLiteral(moment);
    this.sequences = new Map(lastSequences);
  }

  /** The batch's moment as a DATETIME(3) literal. */
  get timestamp(): string {
    return this.now;
  }

  /**
   * One `INSERT ... SELECT` of the events of the selected rows, numbered per customer in id order
   * (`base + ROW_NUMBER()`); then the customers' counters advance by what it wrote: by the row
   * count for one customer, else by one plain read of the new rows' last sequences.
   * Returns the number of events written.
   */
  async insertSelected(events: SelectedEvents): Promise<number> {
    const { table, alias } = events.from;
    const customer = `${alias}.${events.from.customerColumn ?? 'customer_id'}`;
    const result = await this.em.execute<{ affectedRows: number; insertId: number }>(
      `INSERT INTO outbox_event (${OUTBOX_COLUMNS})
       SELECT ${events.type}, '${events.objectType}', ${alias}.id, ${customer}, ${this.sequenceSql(customer, alias)}, ?, ?, ${events.payload}, ${this.now}
         FROM ${table} ${alias}
        WHERE ${events.where.sql}
        ORDER BY ${customer}, ${alias}.id`,
      [this.context.actor, this.context.jobId ?? null, ...events.where.params],
      'run',
    );
    if (result.affectedRows === 0) return 0;
    if (events.onePerCustomer && result.affectedRows === this.sequences.size) {
      for (const customerId of [...this.sequences.keys()]) this.reserve(customerId, 1);
      return result.affectedRows;
    }
    if (this.sequences.size === 1) {
      const [customerId] = this.sequences.keys();
      this.reserve(customerId, result.affectedRows);
      return result.affectedRows;
    }
    const customers = integers(this.sequences.keys()).join(', ');
    const written = await this.em.execute<Array<{ customer_id: number; last: number }>>(
      `SELECT customer_id, MAX(sequence) AS last FROM outbox_event WHERE id >= ? AND customer_id IN (${customers}) GROUP BY customer_id`,
      [result.insertId],
    );
    for (const row of written) {
      this.sequences.set(row.customer_id, Number(row.last));
      this.touched.add(row.customer_id);
    }
    return result.affectedRows;
  }

  /** Writes events prepared in TypeScript (a handful per customer) in one statement. */
  async insertPrepared(events: PreparedEvent[]): Promise<void> {
    if (events.length === 0) return;
    const values = events.flatMap((event) => [
      event.type,
      objectTypeOf(event.type),
      event.objectId,
      event.customerId,
      this.reserve(event.customerId, 1),
      this.context.actor,
      this.context.jobId ?? null,
      JSON.stringify(event.payload),
    ]);
    await this.em.execute(
      `INSERT INTO outbox_event (${OUTBOX_COLUMNS}) VALUES ${events.map(() => `(?, ?, ?, ?, ?, ?, ?, ?, ${this.now})`).join(', ')}`,
      values,
      'run',
    );
  }

  /** These customers' rows are deleted in this transaction: their counters go with them. */
  discard(customerIds: Iterable<number>): void {
    for (const id of customerIds) this.touched.delete(id);
  }

  /** Stores each customer's last sequence: one single-table UPDATE of the rows the caller has locked. */
  async finish(): Promise<void> {
    if (this.touched.size === 0) return;
    const ids = [...this.touched];
    const cases = ids
      .map((id) => `WHEN ${integers([id])[0]} THEN ${integers([this.sequences.get(id) ?? 0])[0]}`)
      .join(' ');
    await this.em.execute(
      `UPDATE customer SET event_sequence = CASE id ${cases} END WHERE id IN (${integers(ids).join(', ')})`,
      [],
      'run',
    );
    this.touched.clear();
  }

  /** `base + ROW_NUMBER()` per customer, the bases inlined from what this batch has used so far. */
  private sequenceSql(customer: string, alias: string): string {
    const cases = [...this.sequences]
      .map(([id, last]) => `WHEN ${integers([id])[0]} THEN ${integers([last])[0]}`)
      .join(' ');
    const base = cases === '' ? 'NULL' : `CASE ${customer} ${cases} END`;
    return `${base} + ROW_NUMBER() OVER (PARTITION BY ${customer} ORDER BY ${alias}.id)`;
  }

  /** Takes `count` sequence numbers of a customer and returns the first. */
  private reserve(customerId: number, count: number): number {
    if (!this.sequences.has(customerId))
      throw new Error(`customer ${customerId} is not locked for this batch of events`);
    const first = (this.sequences.get(customerId) ?? 0) + 1;
    this.sequences.set(customerId, first + count - 1);
    this.touched.add(customerId);
    return first;
  }
}
