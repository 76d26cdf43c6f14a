import { Inject } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { DELIVERY_LOG_PRUNE_QUEUE } from '../../queues';
import { DeliveryLog } from './delivery-log';

/** Keeps the attempt log to RETENTION_DAYS: an hourly job (src/schedules.ts). */
@Processor(DELIVERY_LOG_PRUNE_QUEUE)
export class DeliveryLogPruner extends WorkerHost {
  constructor(
    private readonly log: DeliveryLog,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  process(): Promise<number> {
    return this.log.prune(new Date(Date.now() - this.config.retentionDays * 86_400_000));
  }
}
