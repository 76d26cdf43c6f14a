import { Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { EventsModule } from '../events/events.module';
import { WEBHOOK_DELIVERY_QUEUE } from '../queues';
import { Deliveries } from './delivery/deliveries';
import { DeliveryWakeUps, OutboxRelay, RelayTrigger } from './delivery/relay';
import { SecretBox } from './webhook-endpoint.entity';
import { WebhooksService } from './webhooks.service';

/**
 * Webhook endpoints and their delivery: the relay that turns committed outbox events into
 * deliveries (in every process, right after each commit) and the delivery state in MySQL. The
 * WorkerModule provides the send path (WebhookSender, the delivery jobs' processor) and the
 * maintenance jobs (relay.ts).
 */
@Module({
  imports: [EventsModule, BullModule.registerQueue({ name: WEBHOOK_DELIVERY_QUEUE })],
  providers: [SecretBox, Deliveries, DeliveryWakeUps, OutboxRelay, RelayTrigger, WebhooksService],
  exports: [SecretBox, Deliveries, DeliveryWakeUps, OutboxRelay, WebhooksService, BullModule],
})
export class WebhooksModule {}
