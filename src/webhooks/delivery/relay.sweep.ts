import { Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { OutboxRelay } from './relay.service';

export const OUTBOX_SWEEP_QUEUE = 'outbox-sweep';
const SCHEDULER_ID = 'outbox-sweep';

/**
 * The safety net of the relay: a repeatable job (one scheduler per deployment, whatever the number
 * of workers) that relays any event a crash left undispatched between commit and enqueue.
 */
@Processor(OUTBOX_SWEEP_QUEUE)
export class RelaySweep extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(RelaySweep.name);

  constructor(
    private readonly relay: OutboxRelay,
    @InjectQueue(OUTBOX_SWEEP_QUEUE) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(
      SCHEDULER_ID,
      { every: this.config.relaySweepIntervalMs },
      { name: 'sweep', opts: { removeOnComplete: true, removeOnFail: 100 } },
    );
  }

  async process(): Promise<number> {
    const relayed = await this.relay.relayAll();
    if (relayed > 0)
      this.logger.log(`sweep relayed ${relayed} event(s) that no relay pass had handled`);
    return relayed;
  }
}
