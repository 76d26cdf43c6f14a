import { Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module';
import { EventsModule } from '../events/events.module';
import { SuspensionModule } from '../suspension/suspension.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { BulkChunkRunner } from './bulk-chunk.runner';
import { BulkJobLifecycle } from './bulk-job-lifecycle';
import { BulkJobOrder } from './bulk-job-order';
import { BulkJobRecovery } from './bulk-job-recovery';
import { BulkJobRetention } from './bulk-job-retention';
import { BulkJobProcessor } from './bulk-job.processor';
import { BulkModule } from './bulk.module';
import { DeliveryPacing } from './delivery-pacing';

/** The worker side of bulk jobs: the processor, and the recovery and retention that src/maintenance.ts runs. */
@Module({
  imports: [BulkModule, CustomersModule, SuspensionModule, EventsModule, WebhooksModule],
  providers: [
    BulkJobProcessor,
    BulkChunkRunner,
    BulkJobLifecycle,
    BulkJobOrder,
    BulkJobRecovery,
    BulkJobRetention,
    DeliveryPacing,
  ],
  exports: [BulkJobRecovery, BulkJobRetention],
})
export class BulkWorkerModule {}
