import { Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { EventsModule } from '../../events/events.module';
import { DeliveryLog } from './delivery-log';
import { DELIVERY_LOG_PRUNE_QUEUE } from './delivery-log-pruner';
import { EndpointHealth } from './endpoint-health';
import { OutboxRelay } from './relay.service';
import { OUTBOX_SWEEP_QUEUE } from './relay.sweep';
import { RelayTrigger } from './relay.trigger';
import { SecretBox } from '../secret-box';
import { WebhookBatchDeliverer } from './webhook-batch-deliverer';
import { WebhookDeliverer } from './webhook-deliverer';
import { WEBHOOK_DELIVERY_QUEUE } from './webhook-delivery.queue';
import { WebhookSender } from './webhook-sender';
import { WebhookTargets } from './webhook-targets';

/**
 * Webhook delivery: the relay that hands committed outbox events to the delivery queue (in every
 * process, right after each commit), and the one delivery path that sends, records and retries.
 */
@Module({
  imports: [
    EventsModule,
    BullModule.registerQueue(
      { name: WEBHOOK_DELIVERY_QUEUE },
      { name: OUTBOX_SWEEP_QUEUE },
      { name: DELIVERY_LOG_PRUNE_QUEUE },
    ),
  ],
  providers: [
    SecretBox,
    OutboxRelay,
    RelayTrigger,
    WebhookSender,
    WebhookTargets,
    DeliveryLog,
    EndpointHealth,
    WebhookDeliverer,
    WebhookBatchDeliverer,
  ],
  exports: [
    SecretBox,
    OutboxRelay,
    WebhookSender,
    WebhookDeliverer,
    WebhookBatchDeliverer,
    DeliveryLog,
    BullModule,
  ],
})
export class DeliveryModule {}
