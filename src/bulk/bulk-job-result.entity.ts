import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

export const BULK_OUTCOMES = [
  'suspended',
  'activated',
  'removed',
  'unchanged',
  'not_found',
  'failed',
] as const;
export type BulkOutcome = (typeof BULK_OUTCOMES)[number];

/**
 * The outcome for one customer of one bulk job. Written in the same transaction as the change of
 * that customer, so a chunk redone after a crash skips exactly the ids that already have a row:
 * nothing is changed or announced twice. No foreign key to `customer`: removed customers keep
 * their `removed` outcome.
 */
@Entity({ tableName: 'bulk_job_result' })
export class BulkJobResult {
  @PrimaryKey({ type: 'integer', unsigned: true, autoincrement: false })
  jobId!: number;

  @PrimaryKey({ type: 'integer', unsigned: true, autoincrement: false })
  customerId!: number;

  @Property({ type: 'string', length: 16 })
  outcome!: BulkOutcome;

  /** Why the id failed (outcome `failed`): the driver's message in full, never the statement. */
  @Property({ type: 'string', length: 2000, nullable: true })
  error: string | null = null;

  /** The driver's error code name of that failure (`ER_DUP_ENTRY`). */
  @Property({ type: 'string', length: 64, nullable: true })
  errorCode: string | null = null;

  /** The driver's error number (MariaDB's 1062; negative for a client-side system error). */
  @Property({ type: 'integer', nullable: true })
  errorErrno: number | null = null;

  /** The SQLSTATE of that failure (`23000`). */
  @Property({ type: 'string', length: 5, nullable: true })
  errorSqlState: string | null = null;
}
