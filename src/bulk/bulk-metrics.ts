import { Counter, Histogram } from 'prom-client';
import { BULK_ACTIONS, BulkAction } from './bulk-job.entity';
import { metricsRegistry } from '../metrics/registry';

const bulkJobDuration = new Histogram({
  name: 'clientele_bulk_job_duration_seconds',
  help: 'Bulk jobs from their start to completed or failed, by action.',
  labelNames: ['action'] as const,
  // From one chunk (well under a second) to 10 000 customers on a busy database.
  buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800],
  registers: [metricsRegistry],
});

const bulkChunkFailures = new Counter({
  name: 'clientele_bulk_chunk_failures_total',
  help: 'Chunks of bulk jobs that kept failing after their retries (their customers got the outcome `failed`), by action.',
  labelNames: ['action'] as const,
  registers: [metricsRegistry],
});

const bulkPacing = new Counter({
  name: 'clientele_bulk_paced_seconds_total',
  help: 'Time bulk jobs waited before a chunk for the webhook deliveries of earlier chunks to drain (BULK_PACE_BACKLOG).',
  registers: [metricsRegistry],
});

// Every series exists from the start, so rate() and increase() in alert rules see the first failure.
for (const action of BULK_ACTIONS) bulkChunkFailures.inc({ action }, 0);

/** A bulk job reached `completed` or `failed` (exactly once per job: called under the job's row lock). */
export function recordBulkJobFinished(job: {
  action: BulkAction;
  startedAt?: Date | null;
  finishedAt?: Date | null;
}): void {
  if (!job.startedAt || !job.finishedAt) return;
  bulkJobDuration.observe(
    { action: job.action },
    (job.finishedAt.getTime() - job.startedAt.getTime()) / 1000,
  );
}

/** A chunk gave up: its customers were recorded as `failed`. */
export function countFailedBulkChunk(action: BulkAction): void {
  bulkChunkFailures.inc({ action });
}

/** A bulk job waited this long before a chunk for webhook deliveries to drain. */
export function countBulkPacing(seconds: number): void {
  bulkPacing.inc(seconds);
}
