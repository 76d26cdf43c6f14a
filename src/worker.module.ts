import { Module } from '@nestjs/common';
import { BulkWorkerModule } from './bulk/bulk-worker.module';
import { EventsModule } from './events/events.module';
import { HealthModule } from './health/health.module';
import { RelaySweep } from './webhooks/delivery/relay.sweep';
import { DeliveryLogPruner } from './webhooks/delivery/delivery-log-pruner';
import { WebhookDeliveryProcessor } from './webhooks/delivery/webhook-delivery.processor';
import { WebhooksModule } from './webhooks/webhooks.module';

/** The queue side: BullMQ processors and repeatable schedulers over the shared feature modules. */
@Module({
  imports: [BulkWorkerModule, EventsModule, WebhooksModule, HealthModule],
  providers: [WebhookDeliveryProcessor, RelaySweep, DeliveryLogPruner],
})
export class WorkerModule {}
