import { Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { EventsModule } from '../events/events.module';
import { WEBHOOK_DELIVERY_QUEUE } from '../queues';
import { Deliveries } from './deliveries';
import { DeliveryWakeUps, OutboxRelay, RelayTrigger } from './relay';
import { SecretBox } from './webhook-endpoint.entity';
import { WebhookSender } from './webhook-sender';
import { WebhooksService } from './webhooks.service';

/**
 * Webhook endpoints and their delivery: the relay that turns committed outbox events into
 * deliveries (in every process, right after each commit), the delivery state in MySQL, and the one
 * send path. The WorkerModule provides the delivery processor and the maintenance jobs (relay.ts).
 */
@Module({
  imports: [EventsModule, BullModule.registerQueue({ name: WEBHOOK_DELIVERY_QUEUE })],
  providers: [
    SecretBox,
    Deliveries,
    DeliveryWakeUps,
    OutboxRelay,
    RelayTrigger,
    WebhookSender,
    WebhooksService,
  ],
  exports: [
    SecretBox,
    Deliveries,
    DeliveryWakeUps,
    OutboxRelay,
    WebhookSender,
    WebhooksService,
    BullModule,
  ],
})
export class WebhooksModule {}
