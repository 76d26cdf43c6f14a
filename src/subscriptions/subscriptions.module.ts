import { Module } from '@nestjs/common';
import { DomainsModule } from '../domains/domains.module';
import { EventsModule } from '../events/events.module';
import { SuspensionModule } from '../suspension/suspension.module';
import { SubscriptionsService } from './subscriptions.service';

@Module({
  imports: [EventsModule, SuspensionModule, DomainsModule],
  providers: [SubscriptionsService],
  exports: [SubscriptionsService],
})
export class SubscriptionsModule {}
