import { Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { BulkJobsService } from './bulk-jobs.service';
import { BULK_QUEUE, MAINTENANCE_QUEUE } from './bulk-queue';

/** Bulk jobs as the API sees them: accepting commands and reporting progress. */
@Module({
  imports: [BullModule.registerQueue({ name: BULK_QUEUE }, { name: MAINTENANCE_QUEUE })],
  providers: [BulkJobsService],
  exports: [BulkJobsService, BullModule],
})
export class BulkModule {}
