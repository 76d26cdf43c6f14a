import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { DeliveryLog } from './delivery-log';

export const DELIVERY_LOG_PRUNE_QUEUE = 'webhook-delivery-log-prune';
const SCHEDULER_ID = 'webhook-delivery-log-prune';
const HOURLY = 3_600_000;

/** Keeps the delivery log to WEBHOOK_DELIVERY_RETENTION_DAYS: an hourly job, one scheduler per deployment. */
@Processor(DELIVERY_LOG_PRUNE_QUEUE)
export class DeliveryLogPruner extends WorkerHost implements OnApplicationBootstrap {
  constructor(
    private readonly log: DeliveryLog,
    @InjectQueue(DELIVERY_LOG_PRUNE_QUEUE) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(
      SCHEDULER_ID,
      { every: HOURLY },
      { name: 'prune', opts: { removeOnComplete: true, removeOnFail: 100 } },
    );
  }

  process(): Promise<number> {
    return this.log.prune(
      new Date(Date.now() - this.config.webhookDeliveryRetentionDays * 86_400_000),
    );
  }
}
