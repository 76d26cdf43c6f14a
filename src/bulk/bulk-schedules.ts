import { Inject, Injectable, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { RedisAvailability } from '../redis/redis-availability';
import { MAINTENANCE_QUEUE, maintenanceSchedules } from './bulk-queue';

/**
 * Registers the repeatable housekeeping jobs when a worker starts. An upsert by fixed id: however
 * many workers start or restart, the deployment has one schedule each (the latest interval wins).
 * Again whenever Redis is writable after an outage: a Redis that came back empty lost them.
 */
@Injectable()
export class BulkSchedules implements OnModuleInit, OnApplicationBootstrap {
  constructor(
    @InjectQueue(MAINTENANCE_QUEUE) private readonly maintenance: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly redis: RedisAvailability,
  ) {}

  onModuleInit(): void {
    this.redis.onWritableAgain(() => this.onApplicationBootstrap());
  }

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
