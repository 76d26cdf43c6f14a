import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { DelayedError, Job } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { EndpointSlots } from './endpoint-slots';
import { webhookBackoff } from './retry-schedule';
import {
  DELIVERY_BATCH_JOB,
  WEBHOOK_DELIVERY_QUEUE,
  WebhookBatchJob,
  WebhookDeliveryJob,
} from './webhook-delivery.queue';
import { WebhookBatchDeliverer } from './webhook-batch-deliverer';
import { WebhookDeliverer } from './webhook-deliverer';

/** A delivery postponed because its endpoint is slow waits this long (plus jitter); it is not an attempt. */
const POSTPONE_MS = 1000;

/**
 * Runs delivery jobs concurrently (WEBHOOK_CONCURRENCY per worker process): batches (first attempts)
 * and single-event retries. A slow or hanging consumer
 * gets at most half of the slots; its other deliveries are postponed, so the rest keep flowing.
 */
@Processor(WEBHOOK_DELIVERY_QUEUE, { settings: { backoffStrategy: webhookBackoff } })
export class WebhookDeliveryProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly slots: EndpointSlots;

  constructor(
    private readonly deliverer: WebhookDeliverer,
    private readonly batchDeliverer: WebhookBatchDeliverer,
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

  async process(job: Job<WebhookDeliveryJob | WebhookBatchJob>, token?: string): Promise<void> {
    const { endpointId } = job.data;
    const startedAt = Date.now();
    if (!this.slots.tryAcquire(endpointId, startedAt)) {
      await job.moveToDelayed(startedAt + POSTPONE_MS + Math.random() * POSTPONE_MS, token);
      throw new DelayedError();
    }
    if (job.name !== DELIVERY_BATCH_JOB) {
      try {
        await this.deliverer.deliver(
          job.data as WebhookDeliveryJob,
          job.attemptsMade,
          job.timestamp,
        );
      } finally {
        this.slots.release(endpointId, startedAt);
      }
      return;
    }
    // A batch sends many requests one after another: its slowest request, not its length, says whether the endpoint is slow.
    let slowest: number | null | undefined;
    try {
      slowest = await this.batchDeliverer.deliver(job.data as WebhookBatchJob, job.timestamp);
    } finally {
      this.slots.release(endpointId, startedAt, Date.now(), slowest);
    }
  }
}
