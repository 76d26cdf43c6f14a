import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { DeliveryModule } from './delivery/delivery.module';
import { WebhooksService } from './webhooks.service';

@Module({
  imports: [EventsModule, DeliveryModule],
  providers: [WebhooksService],
  exports: [WebhooksService, DeliveryModule],
})
export class WebhooksModule {}
