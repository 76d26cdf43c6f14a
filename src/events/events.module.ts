import { Module } from '@nestjs/common';
import { EventOutbox } from './event-outbox.service';

/**
 * The outbox: the one writer of events, inside the transaction of their change. Who hears of the
 * events (webhook delivery, under src/webhooks/) is none of this module's business.
 */
@Module({
  providers: [EventOutbox],
  exports: [EventOutbox],
})
export class EventsModule {}
