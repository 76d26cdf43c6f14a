import type { BulkJobOptions, Job, JobsOptions, Queue, WorkerOptions } from 'bullmq';
import type { AppConfig } from './config/app-config';

/**
 * Every BullMQ queue of clientele, every job name with its payload, the jobs' and workers'
 * options and the repeatable schedules, declared once (as immich's `JobItem`). Producers and
 * processors import from here. All of them live under the deployment's REDIS_PREFIX. BullMQ holds
 * no state that must survive: bulk jobs and webhook deliveries keep theirs in MySQL, and a job is
 * how a worker is woken up to act on it.
 */

/** Bulk jobs: one BullMQ job per `bulk_job` row. */
export const BULK_QUEUE = 'bulk-jobs';
export const RUN_BULK_JOB = 'run-bulk-job';

/**
 * Webhook deliveries: a job wakes a worker to send what one endpoint has due in MySQL
 * (`event_delivery`). An endpoint has at most a few such jobs (fixed ids, see LANES in src/webhooks/relay.ts).
 */
export const WEBHOOK_DELIVERY_QUEUE = 'webhook-delivery';
export const DELIVER_WEBHOOKS = 'deliver';

/** The repeatable housekeeping of every feature (`jobSchedules`), run by src/maintenance.ts. */
export const MAINTENANCE_QUEUE = 'maintenance';
/** Applies and lifts the `expired` suspension reason as subscriptions' `expiresAt` passes or moves. */
export const APPLY_EXPIRY = 'apply-subscription-expiry';
/** Reconciles unfinished bulk jobs with BullMQ (BulkJobRecovery). */
export const RECOVER_BULK_JOBS = 'recover-bulk-jobs';
/** Deletes finished bulk jobs older than RETENTION_DAYS (BulkJobRetention). */
export const PRUNE_BULK_JOBS = 'prune-bulk-jobs';
/** Relays events a crash left in the outbox and wakes endpoints with something due (DeliverySweep). */
export const SWEEP_DELIVERIES = 'sweep-deliveries';
/** Deletes deliveries, their attempts and relayed events older than RETENTION_DAYS (DeliverySweep.prune). */
export const PRUNE_DELIVERIES = 'prune-deliveries';

/** Every queue of a deployment: measured, shown on the dashboard. */
export const DEPLOYMENT_QUEUES = [BULK_QUEUE, WEBHOOK_DELIVERY_QUEUE, MAINTENANCE_QUEUE] as const;
export type QueueName = (typeof DEPLOYMENT_QUEUES)[number];

/**
 * Queues of earlier versions, whose housekeeping the maintenance queue took over. A deployment
 * upgraded from one still has their job schedulers and jobs in Redis: src/schedules.ts empties them.
 */
export const RETIRED_QUEUES = ['bulk-maintenance', 'outbox-sweep', 'webhook-delivery-log-prune'];

/** Scheduled jobs carry no data: they look in MySQL for what is due. */
type NoData = Record<string, never>;

/** The payload of every job, by job name. */
export interface JobPayloads {
  [RUN_BULK_JOB]: { bulkJobId: number };
  [DELIVER_WEBHOOKS]: { endpointId: number };
  [APPLY_EXPIRY]: NoData;
  [RECOVER_BULK_JOBS]: NoData;
  [PRUNE_BULK_JOBS]: NoData;
  [SWEEP_DELIVERIES]: NoData;
  [PRUNE_DELIVERIES]: NoData;
}
export type JobName = keyof JobPayloads;

/** The queue of every job. */
const QUEUE_OF = {
  [RUN_BULK_JOB]: BULK_QUEUE,
  [DELIVER_WEBHOOKS]: WEBHOOK_DELIVERY_QUEUE,
  [APPLY_EXPIRY]: MAINTENANCE_QUEUE,
  [RECOVER_BULK_JOBS]: MAINTENANCE_QUEUE,
  [PRUNE_BULK_JOBS]: MAINTENANCE_QUEUE,
  [SWEEP_DELIVERIES]: MAINTENANCE_QUEUE,
  [PRUNE_DELIVERIES]: MAINTENANCE_QUEUE,
} as const satisfies Record<JobName, QueueName>;

export type JobsOf<Q extends QueueName> = {
  [N in JobName]: (typeof QUEUE_OF)[N] extends Q ? N : never;
}[JobName];

export const jobsOf = <Q extends QueueName>(queue: Q): Array<JobsOf<Q>> =>
  (Object.keys(QUEUE_OF) as JobName[]).filter(
    (name): name is JobsOf<Q> => QUEUE_OF[name] === queue,
  );

/** A queue as its producers inject it: `@InjectQueue(BULK_QUEUE) queue: QueueOf<typeof BULK_QUEUE>`. */
export type QueueOf<Q extends QueueName> = Queue<JobPayloads[JobsOf<Q>], unknown, JobsOf<Q>> & {
  readonly name: Q;
};

/** A job as its processor receives it. */
export type JobOf<N extends JobName> = Job<JobPayloads[N], unknown, N>;

/** One job to add to queue `Q`: one of its job names, with the payload declared for that name. */
export type JobItem<Q extends QueueName> = {
  [N in JobsOf<Q>]: { name: N; data: JobPayloads[N]; opts?: BulkJobOptions };
}[JobsOf<Q>];

/**
 * The one way jobs are added: a job of another queue, or whose payload is not its name's, does not
 * compile.
 */
export function addJobs<Q extends QueueName>(queue: QueueOf<Q>, jobs: Array<JobItem<Q>>) {
  return queue.addBulk(jobs as Parameters<QueueOf<Q>['addBulk']>[0]);
}

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
 * Retries of a bulk job as a whole (the database was unreachable for longer than the chunk retries
 * cover). Chunks already committed are skipped on every retry.
 */
export const BULK_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: { age: 86_400, count: 1_000 },
  removeOnFail: { age: 7 * 86_400 },
};

/** Scheduled runs leave a short history to look at on the dashboard. */
export const SCHEDULED_JOB_OPTIONS: JobsOptions = { removeOnComplete: 100, removeOnFail: 100 };

type StalledOptions = Pick<WorkerOptions, 'lockDuration' | 'stalledInterval' | 'maxStalledCount'>;

/**
 * Stalled-job recovery of bulk jobs, tuned so that a SIGKILLed worker's job is handed to another
 * worker within about 10-15 s (BullMQ's defaults take 30-60 s):
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
export const BULK_WORKER_OPTIONS: StalledOptions = {
  lockDuration: 10_000,
  stalledInterval: 5_000,
  maxStalledCount: 1_000_000,
};

/**
 * Stalled-job recovery of the delivery queue, as for bulk jobs: a SIGKILLed worker's job is back
 * in the queue within about 15 s. The deliveries themselves come back sooner (their claim in MySQL
 * expires, and the sweep re-wakes them), so a job that stalls out for good loses nothing.
 */
export const DELIVERY_WORKER_OPTIONS: StalledOptions = {
  lockDuration: 10_000,
  stalledInterval: 5_000,
  maxStalledCount: 2,
};

/**
 * One slot per maintenance job: the 5 s sweep must never wait behind an hour-long prune or expiry
 * pass. A job runs at most once at a time per process (MaintenanceProcessor ends a run whose
 * predecessor is still at work there), so the slots never fill with one job's runs.
 */
export const MAINTENANCE_WORKER_OPTIONS: Pick<WorkerOptions, 'concurrency'> = {
  concurrency: jobsOf(MAINTENANCE_QUEUE).length,
};

const HOURLY = 3_600_000;

/**
 * How often each maintenance job runs: every one has a schedule. src/schedules.ts registers them,
 * one job scheduler each, with the job's name as its id and SCHEDULED_JOB_OPTIONS.
 */
export const jobSchedules = (
  config: AppConfig,
): Record<JobsOf<typeof MAINTENANCE_QUEUE>, number> => ({
  [APPLY_EXPIRY]: config.subscriptionExpiryIntervalMs,
  [RECOVER_BULK_JOBS]: 60_000,
  [PRUNE_BULK_JOBS]: HOURLY,
  [SWEEP_DELIVERIES]: config.relaySweepIntervalMs,
  [PRUNE_DELIVERIES]: HOURLY,
});
