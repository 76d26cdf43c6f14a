import { Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import {
  DELIVERY_RETENTION_QUEUE,
  DELIVERY_SWEEP_QUEUE,
  DELIVERY_WORKER_OPTIONS,
  WEBHOOK_DELIVERY_QUEUE,
  WebhookWakeUp,
} from '../queues';
import { Deliveries } from './deliveries';
import { DeliveryWakeUps, OutboxRelay } from './relay';
import { WebhookSender } from './webhook-sender';

/** Runs delivery jobs (WEBHOOK_CONCURRENCY per worker process): each sends what its endpoint has due. */
@Processor(WEBHOOK_DELIVERY_QUEUE, DELIVERY_WORKER_OPTIONS)
export class WebhookDeliveryProcessor extends WorkerHost implements OnApplicationBootstrap {
  constructor(
    private readonly sender: WebhookSender,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.webhookConcurrency;
  }

  async process(job: Job<WebhookWakeUp>): Promise<void> {
    await this.sender.sendDue(job.data.endpointId);
  }
}

/**
 * The heartbeat of delivery, a repeatable job (src/schedules.ts; one run per interval however many
 * workers): relays events a crash left in the outbox, and wakes every endpoint with something due
 * (retries, probes of a failing endpoint, deliveries whose job died with a worker or with Redis).
 */
@Processor(DELIVERY_SWEEP_QUEUE, { concurrency: 1 })
export class DeliverySweep extends WorkerHost {
  private readonly logger = new Logger(DeliverySweep.name);

  constructor(
    private readonly relay: OutboxRelay,
    private readonly deliveries: Deliveries,
    private readonly wakeUps: DeliveryWakeUps,
  ) {
    super();
  }

  async process(): Promise<{ relayed: number; woken: number }> {
    const relayed = await this.relay.relayAll();
    if (relayed > 0) this.logger.log(`sweep relayed ${relayed} event(s) no relay pass had handled`);
    const due = await this.deliveries.dueEndpoints();
    await this.wakeUps.wake(due);
    return { relayed, woken: due.length };
  }
}

/** Keeps deliveries, their attempts and relayed events to RETENTION_DAYS: an hourly job (src/schedules.ts). */
@Processor(DELIVERY_RETENTION_QUEUE)
export class DeliveryRetention extends WorkerHost {
  constructor(
    private readonly deliveries: Deliveries,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  process(): Promise<number> {
    return this.deliveries.prune(this.config.retentionDays);
  }
}
