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

  @Property({ type: 'string', length: 255, nullable: true })
  error: string | null = null;
}
