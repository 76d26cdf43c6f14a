import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { MAINTENANCE_QUEUE, maintenanceSchedules } from './bulk-queue';

/**
 * Registers the repeatable housekeeping jobs when a worker starts. An upsert by fixed id: however
 * many workers start or restart, the deployment has one schedule each (the latest interval wins).
 * Registered again whenever the connection to Redis is back: a Redis that restarted without its
 * data has lost them, and with them the sweep that re-submits scheduled bulk jobs.
 */
@Injectable()
export class BulkSchedules implements OnApplicationBootstrap {
  private readonly logger = new Logger(BulkSchedules.name);

  constructor(
    @InjectQueue(MAINTENANCE_QUEUE) private readonly maintenance: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.register();
    const client = await this.maintenance.client;
    client.on('ready', () => {
      this.register().catch((error: unknown) =>
        this.logger.warn(
          `housekeeping schedules not registered after reconnecting (${error instanceof Error ? error.message : String(error)})`,
        ),
      );
    });
  }

  private async register(): Promise<void> {
    for (const { schedulerId, name, everyMs } of maintenanceSchedules(this.config)) {
      await this.maintenance.upsertJobScheduler(
        schedulerId,
        { every: everyMs },
        { name, opts: { removeOnComplete: 100, removeOnFail: 100 } },
      );
    }
  }
}
