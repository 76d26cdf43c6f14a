import type { JobsOptions, WorkerOptions } from 'bullmq';

/**
 * Every BullMQ queue of clientele, its job names and their payloads, declared once. Producers and
 * processors import from here. All of them live under the deployment's REDIS_PREFIX. BullMQ holds
 * no state that must survive: bulk jobs and webhook deliveries keep theirs in MySQL, and a job is
 * how a worker is woken up to act on it.
 */

/** Bulk jobs: one BullMQ job per `bulk_job` row. */
export const BULK_QUEUE = 'bulk-jobs';
export const RUN_BULK_JOB = 'run-bulk-job';
export interface BulkJobData {
  bulkJobId: number;
}

/** Repeatable bulk housekeeping (see `maintenanceSchedules` in src/bulk/bulk-queue.ts). */
export const MAINTENANCE_QUEUE = 'bulk-maintenance';
export const APPLY_EXPIRY = 'apply-subscription-expiry';
export const RECOVER_BULK_JOBS = 'recover-bulk-jobs';
export const PRUNE_BULK_JOBS = 'prune-bulk-jobs';

/**
 * Webhook deliveries: a job wakes a worker to send what one endpoint has due in MySQL
 * (`event_delivery`). An endpoint has at most a few such jobs (fixed ids, see src/webhooks/delivery-jobs.ts).
 */
export const WEBHOOK_DELIVERY_QUEUE = 'webhook-delivery';
export const DELIVER_WEBHOOKS = 'deliver';
export interface WebhookWakeUp {
  endpointId: number;
}

/** The delivery sweep: relays events a crash left in the outbox and wakes endpoints with something due. */
export const DELIVERY_SWEEP_QUEUE = 'outbox-sweep';
export const SWEEP_DELIVERIES = 'sweep';

/** Hourly retention of deliveries, their attempts and relayed events (RETENTION_DAYS). */
export const DELIVERY_RETENTION_QUEUE = 'webhook-delivery-log-prune';
export const PRUNE_DELIVERIES = 'prune';

/**
 * A wake-up job is cheap to lose: the sweep finds its endpoint's due deliveries in MySQL. So a job
 * is tried a few times (the database may be briefly unreachable) and then left to the sweep. Ids
 * are fixed per endpoint and lane, so finished and failed jobs go at once: a remembered one would
 * swallow the next wake-up.
 */
export const WAKE_UP_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: true,
  removeOnFail: true,
};

/**
 * Stalled-job recovery of the delivery queue, as for bulk jobs: a SIGKILLed worker's job is back
 * in the queue within about 15 s. The deliveries themselves come back sooner (their claim in MySQL
 * expires, and the sweep re-wakes them), so a job that stalls out for good loses nothing.
 */
export const DELIVERY_WORKER_OPTIONS: Pick<
  WorkerOptions,
  'lockDuration' | 'stalledInterval' | 'maxStalledCount'
> = {
  lockDuration: 10_000,
  stalledInterval: 5_000,
  maxStalledCount: 2,
};
