import { Module } from '@nestjs/common';
import { BulkWorkerModule } from './bulk/bulk-worker.module';

/** The queue side: BullMQ processors and repeatable schedulers over the shared feature modules. */
@Module({
  imports: [BulkWorkerModule],
})
export class WorkerModule {}
