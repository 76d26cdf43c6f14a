import { JobsOptions, WorkerOptions } from 'bullmq';
import { APPLY_EXPIRY, PRUNE_BULK_JOBS, RECOVER_BULK_JOBS } from '../queues';

// The queues and job names are declared in src/queues.ts; re-exported for the bulk code's importers.
export {
  APPLY_EXPIRY,
  BULK_QUEUE,
  type BulkJobData,
  MAINTENANCE_QUEUE,
  PRUNE_BULK_JOBS,
  RECOVER_BULK_JOBS,
  RUN_BULK_JOB,
} from '../queues';

/**
 * One BullMQ job per bulk job: re-adding with the same id is a no-op while BullMQ still holds it.
 * The creation time is part of the id so that a database restored or reset behind Redis's back
 * (ids counting from 1 again) never collides with a finished job BullMQ still remembers.
 */
export const bullJobIdOf = (job: { id: number; createdAt: Date }) =>
  `bulk-${job.id}-${job.createdAt.getTime()}`;

/**
 * Retries of a job as a whole (the database was unreachable for longer than the chunk retries
 * cover). Chunks already committed are skipped on every retry.
 */
export const BULK_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: { age: 86_400, count: 1_000 },
  removeOnFail: { age: 7 * 86_400 },
};

/**
 * Stalled-job recovery, tuned so that a SIGKILLed worker's job is handed to another worker
 * within about 10-15 s (BullMQ's defaults take 30-60 s):
 * - `lockDuration` 10 s: a live worker renews its lock every 5 s (half of it); a killed one's
 *   lock expires at most 10 s after its last renewal. Chunks are async database round trips,
 *   so the event loop is never blocked long enough to miss a renewal.
 * - `stalledInterval` 5 s: every worker checks for active jobs whose lock has expired that often
 *   and moves them back to waiting.
 * - `maxStalledCount` so high that BullMQ never gives up on a job for crashes: it cannot tell a
 *   job that progresses between crashes from one that does not. The job decides itself, from the
 *   count of starts of its next chunk in MySQL (POISON_CHUNK_STARTS in bulk-chunk.runner.ts).
 *   Redoing a chunk is harmless: chunks are idempotent.
 */
export const BULK_WORKER_OPTIONS: Pick<
  WorkerOptions,
  'lockDuration' | 'stalledInterval' | 'maxStalledCount'
> = {
  lockDuration: 10_000,
  stalledInterval: 5_000,
  maxStalledCount: 1_000_000,
};

/**
 * Repeatable housekeeping, one job scheduler per id under the deployment's REDIS_PREFIX, so
 * however many workers start, each runs once per interval: subscription expiry, reconciling
 * unfinished bulk jobs with BullMQ (BulkJobRecovery), and deleting old finished ones (BulkJobRetention). src/schedules.ts registers them.
 */
/** The schedules, by fixed id; `SUBSCRIPTION_EXPIRY_INTERVAL_MS` sets the expiry interval. */
export const maintenanceSchedules = (config: { subscriptionExpiryIntervalMs: number }) => [
  {
    schedulerId: 'subscription-expiry',
    name: APPLY_EXPIRY,
    everyMs: config.subscriptionExpiryIntervalMs,
  },
  { schedulerId: 'bulk-job-recovery', name: RECOVER_BULK_JOBS, everyMs: 60_000 },
  { schedulerId: 'bulk-job-retention', name: PRUNE_BULK_JOBS, everyMs: 3_600_000 },
];
