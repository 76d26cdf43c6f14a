import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { SecretBox } from './secret-box';
import { DeliveryLog } from './delivery-log';
import { WebhookDeliverer } from './webhook-deliverer';
import { WebhookSender } from './webhook-sender';
import { WebhookTargets } from './webhook-targets';
import { WebhooksService } from './webhooks.service';

@Module({
  imports: [EventsModule],
  providers: [WebhooksService, SecretBox, WebhookSender, WebhookTargets, DeliveryLog, WebhookDeliverer],
  exports: [WebhooksService, SecretBox, WebhookSender, WebhookDeliverer],
})
export class WebhooksModule {}
