import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { webhookBackoff } from './retry-schedule';
import { WEBHOOK_DELIVERY_QUEUE, WebhookDeliveryJob } from './webhook-delivery.queue';
import { WebhookDeliverer } from './webhook-deliverer';

/**
 * Runs deliveries concurrently (WEBHOOK_CONCURRENCY per worker process), so a slow or hanging
 * consumer occupies one slot until its timeout while the others keep flowing.
 */
@Processor(WEBHOOK_DELIVERY_QUEUE, { settings: { backoffStrategy: webhookBackoff } })
export class WebhookDeliveryProcessor extends WorkerHost implements OnApplicationBootstrap {
  constructor(
    private readonly deliverer: WebhookDeliverer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.webhookConcurrency;
  }

  async process(job: Job<WebhookDeliveryJob>): Promise<void> {
    await this.deliverer.deliver(job.data, job.attemptsMade + 1, job.timestamp);
  }
}
