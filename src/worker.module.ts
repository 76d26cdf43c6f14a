import { Module } from '@nestjs/common';
import { BulkWorkerModule } from './bulk/bulk-worker.module';
import { EventsModule } from './events/events.module';
import { HealthModule } from './health/health.module';
import { JobSchedulers } from './schedules';
import { DeliveryRetention, DeliverySweep, WebhookDeliveryProcessor } from './webhooks/relay';
import { WebhooksModule } from './webhooks/webhooks.module';

/** The queue side: BullMQ processors and the repeatable schedules over the shared feature modules. */
@Module({
  imports: [BulkWorkerModule, EventsModule, WebhooksModule, HealthModule],
  providers: [WebhookDeliveryProcessor, DeliverySweep, DeliveryRetention, JobSchedulers],
})
export class WorkerModule {}
