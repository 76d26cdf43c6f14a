import { Entity, Index, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';

export const BULK_ACTIONS = ['suspend', 'activate', 'remove'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

export const BULK_JOB_STATES = [
  'scheduled',
  'queued',
  'running',
  'completed',
  'failed',
  'cancelled',
] as const;
export type BulkJobState = (typeof BULK_JOB_STATES)[number];

/**
 * One bulk command (`POST /customers/bulk`). MySQL is its record of truth: BullMQ only carries
 * the job's id, so the record outlives BullMQ's retention and a lost queue entry can be re-added.
 * Counters move per committed chunk; per-id outcomes live in `bulk_job_result`.
 */
@Entity({ tableName: 'bulk_job' })
@Unique({ name: 'bulk_job_idempotency_unique', properties: ['actor', 'idempotencyKey'] })
@Index({ name: 'bulk_job_state_idx', properties: ['state', 'id'] })
export class BulkJob {
  [OptionalProps]?:
    | 'state'
    | 'position'
    | 'processed'
    | 'succeeded'
    | 'failed'
    | 'chunkStarts'
    | 'idempotencyKey'
    | 'requestHash'
    | 'runAt'
    | 'reason'
    | 'error'
    | 'createdAt'
    | 'startedAt'
    | 'finishedAt';

  @PrimaryKey({ type: 'integer', unsigned: true, autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 16 })
  action!: BulkAction;

  @Property({ type: 'string', length: 16 })
  state: BulkJobState = 'queued';

  /** `admin:<id>`: who asked; events of the job carry it. */
  @Property({ type: 'string', length: 64 })
  actor!: string;

  /** The customer ids in ascending order, as the worker takes them. */
  @Property({ type: 'json', lazy: true })
  customerIds!: number[];

  @Property({ type: 'integer', unsigned: true })
  total!: number;

  /** The smallest and largest customer id of the job: whether two jobs can overlap at all. */
  @Property({ type: 'integer', unsigned: true })
  firstId!: number;

  @Property({ type: 'integer', unsigned: true })
  lastId!: number;

  /**
   * Every id up to this one has its outcome (chunks commit in ascending order). Later jobs that
   * overlap wait for it to pass their chunk, so overlapping jobs apply in the order they were accepted.
   */
  @Property({ type: 'integer', unsigned: true, default: 0 })
  position: number = 0;

  @Property({ type: 'integer', unsigned: true, default: 0 })
  processed: number = 0;

  @Property({ type: 'integer', unsigned: true, default: 0 })
  succeeded: number = 0;

  @Property({ type: 'integer', unsigned: true, default: 0 })
  failed: number = 0;

  /**
   * How often the chunk after `position` has been started since the job last committed one. Every
   * commit resets it, so crashes of a job that makes progress never add up; a chunk that kills
   * its worker every time drives it to POISON_CHUNK_STARTS and fails the job (BulkChunkRunner).
   */
  @Property({ type: 'integer', unsigned: true, default: 0 })
  chunkStarts: number = 0;

  /** When a `scheduled` job is to run; null for a job that runs at once. */
  @Property({ type: 'datetime', length: 3, nullable: true })
  runAt: Date | null = null;

  /** The suspension reason given with a `suspend` job (staff only). */
  @Property({ type: 'string', length: 255, nullable: true })
  reason: string | null = null;

  /** The client's `Idempotency-Key`, unique per actor; cleared once older than 24 h when reused. */
  @Property({ type: 'string', length: 255, nullable: true })
  idempotencyKey: string | null = null;

  /** SHA-256 of the request (action and ids), to refuse a key reused for a different request. */
  @Property({ type: 'string', length: 64, nullable: true })
  requestHash: string | null = null;

  /** Why the job failed as a whole (state `failed`). */
  @Property({ type: 'string', length: 1000, nullable: true })
  error: string | null = null;

  @Property({ type: 'datetime', length: 3 })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', length: 3, nullable: true })
  startedAt: Date | null = null;

  @Property({ type: 'datetime', length: 3, nullable: true })
  finishedAt: Date | null = null;
}
