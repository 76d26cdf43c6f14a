import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/mysql';

/** How long a chunk waits in-process for an earlier job before its job is handed back to the queue. */
const WAIT_IN_PROCESS_MS = 2_000;
const POLL_MS = 50;

/**
 * Keeps overlapping bulk jobs in the order they were accepted. Chunks lock customers in id order,
 * so two jobs over the same customers already run like a pipeline; but a chunk that is retried
 * after a deadlock could let the later job overtake the earlier one on some customers, leaving a
 * mix of both orders. So a chunk runs only once every earlier unfinished job whose id range
 * overlaps it has passed the chunk (its `position`, which only grows, is at least the chunk's last id).
 */
@Injectable()
export class BulkJobOrder {
  constructor(private readonly em: EntityManager) {}

  /** True once the chunk `firstId..lastId` of `jobId` may run; false if it is still blocked after a short wait. */
  async waitForTurn(jobId: number, firstId: number, lastId: number): Promise<boolean> {
    const deadline = Date.now() + WAIT_IN_PROCESS_MS;
    for (;;) {
      if (!(await this.isBlocked(jobId, firstId, lastId))) return true;
      if (Date.now() > deadline) return false;
      await sleep(POLL_MS);
    }
  }

  /**
   * Whether an earlier unfinished job still has to pass some id in `firstId..lastId`. Once this is
   * false for the rest of a job, it stays false: positions only grow, and every job accepted
   * later has a larger id, so it never holds up this one.
   */
  async isBlocked(jobId: number, firstId: number, lastId: number): Promise<boolean> {
    const rows = await this.em
      .fork()
      .getConnection()
      .execute<Array<{ id: number }>>(
        `SELECT id FROM bulk_job
          WHERE state IN ('queued', 'running') AND id < ? AND first_id <= ? AND last_id >= ? AND position < LEAST(?, last_id)
          LIMIT 1`,
        [jobId, lastId, firstId, lastId],
      );
    return rows.length > 0;
  }
}
