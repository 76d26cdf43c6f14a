import { Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { EntityManager, LockMode } from '@mikro-orm/mysql';
import { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { WebhookEndpoint } from '../webhooks/webhook-endpoint.entity';
import {
  deliveryJobId,
  deliveryJobOptions,
  endpointWants,
  WEBHOOK_DELIVERY_QUEUE,
  WebhookDeliveryJob,
} from '../webhooks/webhook-delivery.queue';
import { OutboxEvent } from './outbox-event.entity';

const BATCH = 500;

/**
 * Hands committed outbox events to the webhook delivery queue. A pass claims undispatched rows with
 * FOR UPDATE SKIP LOCKED (so any number of processes can relay at once without sending an event
 * twice), adds one delivery job per matching enabled endpoint, and marks the rows dispatched in
 * the same transaction: if the enqueue fails, the claim rolls back and a later pass retries.
 */
@Injectable()
export class OutboxRelay {
  constructor(
    private readonly rootEm: EntityManager,
    @InjectQueue(WEBHOOK_DELIVERY_QUEUE) private readonly deliveries: Queue<WebhookDeliveryJob>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Relays until nothing undispatched is left; returns how many events it handled. */
  async relayAll(): Promise<number> {
    let total = 0;
    for (;;) {
      const handled = await this.relayBatch();
      total += handled;
      if (handled < BATCH) return total;
    }
  }

  private async relayBatch(): Promise<number> {
    const connection = this.rootEm.getConnection();
    // A connection-level transaction fires no ORM transaction events, so relaying does not
    // trigger another relay pass.
    return connection.transactional(async (trx) => {
      const em = this.rootEm.fork();
      em.setTransactionContext(trx);
      const events = await em.find(
        OutboxEvent,
        { dispatchedAt: null },
        { orderBy: { id: 'asc' }, limit: BATCH, lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE },
      );
      if (events.length === 0) return 0;
      const endpoints = await em.find(WebhookEndpoint, { enabled: true }, { fields: ['id', 'events'] });
      const jobs = events.flatMap((event) => {
        const recipients = endpoints.filter((endpoint) => endpointWants(endpoint, event));
        if (recipients.length === 0) return [];
        const body = messageBody(event);
        return recipients.map((endpoint) => ({
          name: event.type,
          data: { eventId: event.id, endpointId: endpoint.id, type: event.type, body },
          opts: { ...deliveryJobOptions(this.config.webhookRetryScheduleMs.length), jobId: deliveryJobId(event.id, endpoint.id) },
        }));
      });
      if (jobs.length > 0) await this.deliveries.addBulk(jobs);
      await em.nativeUpdate(OutboxEvent, { id: { $in: events.map((e) => e.id) } }, { dispatchedAt: new Date() });
      return events.length;
    });
  }
}

/**
 * The Standard Webhooks body: `{type, timestamp, data}`. `data` is the event's payload (admin views,
 * never password hashes) with the object it is about and, per customer, the `sequence` by which
 * consumers order events.
 */
export function messageBody(event: OutboxEvent): string {
  return JSON.stringify({
    type: event.type,
    timestamp: event.createdAt.toISOString(),
    data: {
      eventId: Number(event.id),
      objectType: event.objectType,
      objectId: event.objectId,
      customerId: event.customerId,
      sequence: event.sequence,
      actor: event.actor,
      jobId: event.jobId,
      ...event.payload,
    },
  });
}
