import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { BULK_OUTCOMES, BulkOutcome } from './bulk-job-result.entity';
import {
  BULK_ACTIONS,
  BULK_JOB_STATES,
  BulkAction,
  BulkJob,
  BulkJobState,
} from './bulk-job.entity';

export class BulkJobAccepted {
  @ApiProperty() jobId!: number;
}

/** The database driver's error that made a chunk fail, as MariaDB reported it. */
export class BulkFailureCauseView {
  @ApiProperty({
    type: String,
    nullable: true,
    description: "The driver's error code name, e.g. `ER_DUP_ENTRY` (null: not a database error)",
  })
  code!: string | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: "MariaDB's error number, e.g. 1062",
  })
  errno!: number | null;
  @ApiProperty({ type: String, nullable: true, description: 'The SQLSTATE, e.g. `23000`' })
  sqlState!: string | null;
  @ApiProperty({ description: "The server's message in full" }) message!: string;
}

export class BulkResultView {
  @ApiProperty({ description: 'The customer id' }) id!: number;
  @ApiProperty({ enum: BULK_OUTCOMES }) outcome!: BulkOutcome;
  @ApiPropertyOptional({ description: 'Why the id failed (outcome `failed` only)' }) error?: string;
  @ApiPropertyOptional({
    type: BulkFailureCauseView,
    description: 'The database error behind `error` (outcome `failed` only)',
  })
  cause?: BulkFailureCauseView;
}

/**
 * A bulk job without its per-id outcomes (the list). `succeeded` counts `suspended`, `activated`,
 * `removed` and `unchanged` (the customer is in the asked-for state); `failed` counts `not_found`
 * and `failed`; `processed` is their sum.
 */
export class BulkJobSummaryView {
  @ApiProperty() id!: number;
  @ApiProperty({ enum: BULK_ACTIONS }) action!: BulkAction;
  @ApiProperty({ enum: BULK_JOB_STATES }) state!: BulkJobState;
  @ApiProperty({
    type: String,
    nullable: true,
    format: 'date-time',
    description: 'When a scheduled job runs (null: at once)',
  })
  runAt!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The suspension reason of a `suspend` job (staff only)',
  })
  reason!: string | null;
  @ApiProperty() total!: number;
  @ApiProperty() processed!: number;
  @ApiProperty() succeeded!: number;
  @ApiProperty() failed!: number;
  @ApiPropertyOptional({ description: 'Why the job as a whole failed (state `failed`)' })
  error?: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ type: String, nullable: true }) startedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) finishedAt!: string | null;
}

export class BulkJobView extends BulkJobSummaryView {
  @ApiProperty({
    type: [BulkResultView],
    description: 'Every id processed so far, in id order (at most 10,000)',
  })
  results!: BulkResultView[];
}

export class BulkJobPage {
  @ApiProperty({ type: [BulkJobSummaryView] }) items!: BulkJobSummaryView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export interface ResultRow {
  customer_id: number;
  outcome: BulkOutcome;
  error: string | null;
  error_code: string | null;
  error_errno: number | null;
  error_sql_state: string | null;
}

export function toSummaryView(job: BulkJob): BulkJobSummaryView {
  return {
    id: job.id,
    action: job.action,
    state: job.state,
    runAt: job.runAt?.toISOString() ?? null,
    reason: job.reason,
    total: job.total,
    processed: job.processed,
    succeeded: job.succeeded,
    failed: job.failed,
    ...(job.error ? { error: job.error } : {}),
    createdAt: job.createdAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
  };
}

export function toJobView(job: BulkJob, results: ResultRow[]): BulkJobView {
  return {
    ...toSummaryView(job),
    results: results.map((row) => ({
      id: row.customer_id,
      outcome: row.outcome,
      ...(row.error
        ? {
            error: row.error,
            cause: {
              code: row.error_code,
              errno: row.error_errno === null ? null : Number(row.error_errno),
              sqlState: row.error_sql_state,
              message: row.error,
            },
          }
        : {}),
    })),
  };
}
