import { Logger } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { DELIVERY_SWEEP_QUEUE } from '../../queues';
import { OrphanedDeliveries } from './orphaned-deliveries';
import { OutboxRelay } from './relay.service';

/**
 * The safety net of delivery, a repeatable job (src/schedules.ts; one run per interval however
 * many workers): relays events a crash left in the outbox between commit and relay, and wakes
 * pending deliveries whose wake-up job is gone.
 */
@Processor(DELIVERY_SWEEP_QUEUE, { concurrency: 1 })
export class DeliverySweep extends WorkerHost {
  private readonly logger = new Logger(DeliverySweep.name);

  constructor(
    private readonly relay: OutboxRelay,
    private readonly orphans: OrphanedDeliveries,
  ) {
    super();
  }

  async process(): Promise<{ relayed: number; woken: number }> {
    // Orphans are woken even when relaying fails: the two do not depend on each other.
    const [relaying, waking] = await Promise.allSettled([
      this.relay.relayAll(),
      this.orphans.wake(),
    ]);
    if (relaying.status === 'rejected') throw relaying.reason;
    if (waking.status === 'rejected') throw waking.reason;
    const [relayed, woken] = [relaying.value, waking.value];
    if (relayed > 0)
      this.logger.log(`sweep relayed ${relayed} event(s) that no relay pass had handled`);
    if (woken > 0) this.logger.log(`sweep woke ${woken} delivery(ies) whose job was gone`);
    return { relayed, woken };
  }
}
