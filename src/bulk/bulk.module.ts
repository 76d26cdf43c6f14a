import { Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { EventsModule } from '../events/events.module';
import { BulkJobCancellation } from './bulk-job-cancellation';
import { BulkJobsService } from './bulk-jobs.service';
import { BULK_QUEUE } from '../queues';

/** Bulk jobs as the API sees them: accepting commands, reporting progress, cancelling plans. */
@Module({
  imports: [BullModule.registerQueue({ name: BULK_QUEUE }), EventsModule],
  providers: [BulkJobsService, BulkJobCancellation],
  exports: [BulkJobsService, BulkJobCancellation, BullModule],
})
export class BulkModule {}
