import { Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { WEBHOOK_DELIVERY_QUEUE } from '../webhooks/webhook-delivery.queue';
import { EventOutbox } from './event-outbox.service';
import { OutboxRelay } from './relay.service';
import { OUTBOX_SWEEP_QUEUE } from './relay.sweep';
import { RelayTrigger } from './relay.trigger';

/**
 * The outbox and its relay. Every process that commits events relays them right after commit;
 * the sweep itself (RelaySweep) runs in workers (WorkerModule).
 */
@Module({
  imports: [
    BullModule.registerQueue({ name: WEBHOOK_DELIVERY_QUEUE }, { name: OUTBOX_SWEEP_QUEUE }),
  ],
  providers: [EventOutbox, OutboxRelay, RelayTrigger],
  exports: [EventOutbox, OutboxRelay, BullModule],
})
export class EventsModule {}
