import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { MAINTENANCE_QUEUE, MAINTENANCE_SCHEDULES } from './bulk-queue';

/** Registers the repeatable housekeeping jobs when a worker starts (an upsert: idempotent across workers and restarts). */
@Injectable()
export class BulkSchedules implements OnApplicationBootstrap {
  constructor(@InjectQueue(MAINTENANCE_QUEUE) private readonly maintenance: Queue) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const { schedulerId, name, everyMs } of MAINTENANCE_SCHEDULES) {
      await this.maintenance.upsertJobScheduler(
        schedulerId,
        { every: everyMs },
        { name, opts: { removeOnComplete: 100, removeOnFail: 100 } },
      );
    }
  }
}
