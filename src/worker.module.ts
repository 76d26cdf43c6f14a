import { Module } from '@nestjs/common';
import { BulkWorkerModule } from './bulk/bulk-worker.module';
import { EventsModule } from './events/events.module';
import { HealthModule } from './health/health.module';
import { JobSchedulers } from './schedules';
import { DeliverySweep } from './webhooks/delivery/delivery-sweep';
import { DeliveryLogPruner } from './webhooks/delivery/delivery-log-pruner';
import { WebhookDeliveryProcessor } from './webhooks/delivery/webhook-delivery.processor';
import { WebhooksModule } from './webhooks/webhooks.module';

/** The queue side: BullMQ processors and the repeatable schedules over the shared feature modules. */
@Module({
  imports: [BulkWorkerModule, EventsModule, WebhooksModule, HealthModule],
  providers: [WebhookDeliveryProcessor, DeliverySweep, DeliveryLogPruner, JobSchedulers],
})
export class WorkerModule {}
