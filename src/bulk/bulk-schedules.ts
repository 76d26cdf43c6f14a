import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { MAINTENANCE_QUEUE, maintenanceSchedules } from './bulk-queue';

/**
 * Registers the repeatable housekeeping jobs when a worker starts. An upsert by fixed id: however
 * many workers start or restart, the deployment has one schedule each (the latest interval wins).
 */
@Injectable()
export class BulkSchedules implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(MAINTENANCE_QUEUE) private readonly maintenance: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const { schedulerId, name, everyMs } of maintenanceSchedules(this.config)) {
      await this.maintenance.upsertJobScheduler(
        schedulerId,
        { every: everyMs },
        { name, opts: { removeOnComplete: 100, removeOnFail: 100 } },
      );
    }
  }
}
