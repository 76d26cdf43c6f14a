import { ValidationFailed } from '../common/domain-errors';
import { BulkAction } from './bulk-job.entity';

/** What a bulk command asks for besides its action and ids. */
export interface BulkJobPlan {
  /** null: run at once. */
  runAt: Date | null;
  reason: string | null;
}

/**
 * Checks `runAt` (in the future, at most a year ahead) and `reason` (suspend only) against the
 * clock of the accepting process, so a bad plan is a 400 before anything is recorded.
 */
export function planOf(
  command: { action: BulkAction; reason?: string | null; runAt?: Date },
  now: Date,
): BulkJobPlan {
  if (command.reason != null && command.action !== 'suspend') {
    throw new ValidationFailed([
      { field: 'reason', message: 'reason is only accepted with the action suspend' },
    ]);
  }
  const reason = command.reason || null;
  if (command.runAt === undefined) return { runAt: null, reason };
  const runAt = command.runAt;
  const latest = new Date(now);
  latest.setUTCFullYear(latest.getUTCFullYear() + 1);
  if (runAt <= now || runAt > latest) {
    throw new ValidationFailed([
      { field: 'runAt', message: 'runAt must be in the future and at most one year ahead' },
    ]);
  }
  return { runAt, reason };
}

/** How long BullMQ keeps a scheduled job delayed before a worker takes it (0 once it is due). */
export const delayUntil = (runAt: Date | null, now = Date.now()): number =>
  runAt ? Math.max(0, runAt.getTime() - now) : 0;
