import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { countBulkPacing } from './bulk-metrics';
import { Deliveries } from '../webhooks/delivery/deliveries';

/** How often a waiting chunk looks at the backlog again. */
export const PACE_POLL_MS = 100;
/** The longest one chunk waits for deliveries to drain. */
export const PACE_MAX_WAIT_MS = 5_000;

export interface PaceClock {
  now(): number;
  sleep(ms: number): Promise<unknown>;
}

const REAL_CLOCK: PaceClock = { now: () => Date.now(), sleep: (ms) => sleep(ms) };

/**
 * Waits while `backlog()` is above `limit` and draining fast enough to get there within
 * PACE_MAX_WAIT_MS; returns the milliseconds waited. It stops waiting at once when the backlog
 * does not shrink between two looks (a stuck or disabled consumer, or other jobs adding as fast
 * as it drains) or shrinks too slowly to reach `limit` in time (a slow consumer): waiting for
 * those would only delay the job, not the notifications. It stops at once when `stopping` turns
 * true (the worker is shutting down and hands the job back).
 */
export async function waitForDrain(
  backlog: () => Promise<number>,
  limit: number,
  clock: PaceClock = REAL_CLOCK,
  stopping: () => boolean = () => false,
): Promise<number> {
  const started = clock.now();
  let before = await backlog();
  let lookedAt = clock.now();
  while (before > limit && !stopping()) {
    await clock.sleep(PACE_POLL_MS);
    const after = await backlog();
    const now = clock.now();
    const drainedPerMs = (before - after) / Math.max(1, now - lookedAt);
    if (after <= limit || drainedPerMs <= 0) break;
    if (now - started + (after - limit) / drainedPerMs > PACE_MAX_WAIT_MS) break;
    before = after;
    lookedAt = now;
  }
  return clock.now() - started;
}

/**
 * Keeps a bulk job from outrunning its webhooks. A chunk commits the events of up to
 * BULK_CHUNK_SIZE customers at once (12 for a customer with 10 domains); when the workers cannot
 * send them as fast as chunks commit, every later event waits behind the earlier ones, and a
 * customer's hosting nodes hear of its suspension seconds after the database says so. So before
 * each chunk the job waits (bounded, see waitForDrain) while more than BULK_PACE_BACKLOG
 * deliveries are due or in flight. The job takes about as long as its notifications take anyway;
 * what shrinks is the time between a customer's change and its delivery. 0 turns it off.
 */
@Injectable()
export class DeliveryPacing {
  private readonly logger = new Logger(DeliveryPacing.name);

  constructor(
    private readonly deliveries: Deliveries,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Waits (bounded) before a chunk, and returns how many customers it may take: BULK_CHUNK_SIZE,
   * or BULK_PACED_CHUNK_SIZE if smaller while an endpoint listens. A chunk's events are committed
   * together, and the last of them waits for all the others to be sent: 2,400 events for 200
   * customers with 10 domains, half a second even on a quiet machine.
   * `stopping`: the worker is shutting down, so the chunk should not wait any longer.
   */
  async beforeChunk(stopping: () => boolean): Promise<number> {
    const { bulkChunkSize, bulkPacedChunkSize, bulkPaceBacklog: limit } = this.config;
    if (limit === 0) return bulkChunkSize;
    let listening = true;
    try {
      const backlog = async () => {
        const seen = await this.deliveries.backlog();
        listening = seen.listening;
        return seen.due;
      };
      const waited = await waitForDrain(backlog, limit, REAL_CLOCK, stopping);
      if (waited >= PACE_POLL_MS) countBulkPacing(waited / 1000);
    } catch (error) {
      // Pacing is advisory: the chunk itself meets a database that is away, and handles it.
      this.logger.debug(`could not measure the delivery backlog: ${String(error)}`);
    }
    return listening ? Math.min(bulkChunkSize, bulkPacedChunkSize) : bulkChunkSize;
  }
}
