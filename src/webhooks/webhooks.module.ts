import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { DeliveryModule } from './delivery/delivery.module';
import { DeliveryRecovery } from './delivery-recovery.service';
import { WebhooksService } from './webhooks.service';

@Module({
  imports: [EventsModule, DeliveryModule],
  providers: [WebhooksService, DeliveryRecovery],
  exports: [WebhooksService, DeliveryRecovery, DeliveryModule],
})
export class WebhooksModule {}
