import { Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { BulkWorkerModule } from './bulk/bulk-worker.module';
import { EventsModule } from './events/events.module';
import { HealthModule } from './health/health.module';
import { MaintenanceProcessor, MaintenanceQueueModule } from './maintenance';
import { RETIRED_QUEUES } from './queues';
import { JobSchedulers } from './schedules';
import { SubscriptionExpiry } from './subscriptions/subscription-expiry';
import { SuspensionModule } from './suspension/suspension.module';
import { DeliverySweep } from './webhooks/delivery/relay';
import { WebhookSender } from './webhooks/delivery/webhook-sender';
import { WebhooksModule } from './webhooks/webhooks.module';

/** The queue side: BullMQ processors and the repeatable schedules over the shared feature modules. */
@Module({
  imports: [
    BulkWorkerModule,
    EventsModule,
    WebhooksModule,
    SuspensionModule,
    HealthModule,
    MaintenanceQueueModule,
    // Only for JobSchedulers to empty them; no worker takes their jobs.
    BullModule.registerQueue(...RETIRED_QUEUES.map((name) => ({ name }))),
  ],
  providers: [
    WebhookSender,
    MaintenanceProcessor,
    SubscriptionExpiry,
    DeliverySweep,
    JobSchedulers,
  ],
})
export class WorkerModule {}
