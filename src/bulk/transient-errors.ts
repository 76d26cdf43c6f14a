import { isDatabaseUnreachable } from '../database/database-unreachable';
import { isLockConflict } from '../database/lock-conflicts';

/**
 * True for failures that a retry of the same transaction can get past: lock conflicts, and a
 * database that is (briefly) unreachable. A longer outage outlasts a chunk's retries; the chunk
 * then rethrows it (see BulkChunkRunner) and the job waits for the database without spending an
 * attempt (DatabaseAvailability).
 */
export function isTransient(error: unknown): boolean {
  return isLockConflict(error) || isDatabaseUnreachable(error);
}
