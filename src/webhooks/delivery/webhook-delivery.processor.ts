import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { DelayedError, Job } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { DELIVERY_WORKER_OPTIONS, WEBHOOK_DELIVERY_QUEUE, WebhookWakeUp } from '../../queues';
import { EndpointSlots } from './endpoint-slots';
import { WebhookDeliverer } from './webhook-deliverer';

/** A delivery postponed because its endpoint is slow waits this long (plus jitter); it is not an attempt. */
const POSTPONE_MS = 1000;

/**
 * Runs wake-up jobs concurrently (WEBHOOK_CONCURRENCY per worker process): each sends the due
 * deliveries named after it. A slow or hanging consumer gets at most half of the slots (decided
 * here, by EndpointSlots); its other jobs are postponed, so the rest keep flowing.
 */
@Processor(WEBHOOK_DELIVERY_QUEUE, DELIVERY_WORKER_OPTIONS)
export class WebhookDeliveryProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly slots: EndpointSlots;

  constructor(
    private readonly deliverer: WebhookDeliverer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
    this.slots = new EndpointSlots(
      Math.max(1, Math.floor(config.webhookConcurrency / 2)),
      Math.min(1000, config.webhookTimeoutMs / 2),
    );
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.webhookConcurrency;
  }

  async process(job: Job<WebhookWakeUp>, token?: string): Promise<void> {
    const { endpointId } = job.data;
    const startedAt = Date.now();
    if (!this.slots.tryAcquire(endpointId, startedAt)) {
      await job.moveToDelayed(startedAt + POSTPONE_MS + Math.random() * POSTPONE_MS, token);
      throw new DelayedError();
    }
    // A batch sends many requests: its slowest request, not its length, says whether the endpoint is slow.
    let slowest: number | null = null;
    try {
      slowest = await this.deliverer.deliver(endpointId, job.id as string);
    } finally {
      this.slots.release(endpointId, startedAt, Date.now(), slowest);
    }
  }
}
