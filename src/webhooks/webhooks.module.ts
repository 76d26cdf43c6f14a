import { Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { EventsModule } from '../events/events.module';
import { SecretBox } from './secret-box';
import { DeliveryLog } from './delivery-log';
import { DELIVERY_LOG_PRUNE_QUEUE } from './delivery-log-pruner';
import { EndpointHealth } from './endpoint-health';
import { WebhookBatchDeliverer } from './webhook-batch-deliverer';
import { WebhookDeliverer } from './webhook-deliverer';
import { WebhookSender } from './webhook-sender';
import { WebhookTargets } from './webhook-targets';
import { WebhooksService } from './webhooks.service';

@Module({
  imports: [EventsModule, BullModule.registerQueue({ name: DELIVERY_LOG_PRUNE_QUEUE })],
  providers: [
    WebhooksService,
    SecretBox,
    WebhookSender,
    WebhookTargets,
    DeliveryLog,
    EndpointHealth,
    WebhookDeliverer,
    WebhookBatchDeliverer,
  ],
  exports: [
    WebhooksService,
    SecretBox,
    WebhookSender,
    WebhookDeliverer,
    WebhookBatchDeliverer,
    DeliveryLog,
    BullModule,
  ],
})
export class WebhooksModule {}
