import { Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { EventsModule } from '../../events/events.module';
import {
  DELIVERY_LOG_PRUNE_QUEUE,
  DELIVERY_SWEEP_QUEUE,
  WEBHOOK_DELIVERY_QUEUE,
} from '../../queues';
import { SecretBox } from '../secret-box';
import { DeliveryBacklog } from './delivery-backlog';
import { DeliveryLog } from './delivery-log';
import { DeliveryStates } from './delivery-states';
import { EndpointHealth } from './endpoint-health';
import { OrphanedDeliveries } from './orphaned-deliveries';
import { OutboxRelay } from './relay.service';
import { RelayTrigger } from './relay.trigger';
import { DeliveryWakeUps } from './wake-ups';
import { WebhookDeliverer } from './webhook-deliverer';
import { WebhookSender } from './webhook-sender';
import { WebhookTargets } from './webhook-targets';

/**
 * Webhook delivery: the relay that turns committed outbox events into deliveries (in every
 * process, right after each commit), the delivery state in MySQL, and the one delivery path that
 * sends, records and retries.
 */
@Module({
  imports: [
    EventsModule,
    BullModule.registerQueue(
      { name: WEBHOOK_DELIVERY_QUEUE },
      { name: DELIVERY_SWEEP_QUEUE },
      { name: DELIVERY_LOG_PRUNE_QUEUE },
    ),
  ],
  providers: [
    SecretBox,
    DeliveryBacklog,
    OutboxRelay,
    RelayTrigger,
    DeliveryWakeUps,
    DeliveryStates,
    OrphanedDeliveries,
    WebhookSender,
    WebhookTargets,
    DeliveryLog,
    EndpointHealth,
    WebhookDeliverer,
  ],
  exports: [
    SecretBox,
    DeliveryBacklog,
    OutboxRelay,
    OrphanedDeliveries,
    DeliveryWakeUps,
    WebhookSender,
    WebhookDeliverer,
    DeliveryLog,
    BullModule,
  ],
})
export class DeliveryModule {}
