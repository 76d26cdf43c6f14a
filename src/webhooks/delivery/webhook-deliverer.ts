import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { committedAtOf, recordWebhookAttempt } from '../../metrics/webhook-metrics';
import { DeliveryLog } from './delivery-log';
import { EndpointHealth } from './endpoint-health';
import { DeliveryFailed, nextRetryDelayMs } from './retry-schedule';
import { subscribesTo, WebhookDeliveryJob } from './webhook-delivery.queue';
import { WebhookSender } from './webhook-sender';
import { WebhookTargets } from './webhook-targets';

/**
 * Makes one delivery attempt of a single-event job (a ping's, or a retry split off a batch) and
 * records it. 410 Gone disables the endpoint at once; any other failure is retried on the schedule
 * until the endpoint has failed for too long (EndpointHealth).
 */
@Injectable()
export class WebhookDeliverer {
  constructor(
    private readonly targets: WebhookTargets,
    private readonly sender: WebhookSender,
    private readonly log: DeliveryLog,
    private readonly health: EndpointHealth,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** `attemptsMade` are this job's earlier attempts; `queuedAt` is when the job was queued. */
  async deliver(job: WebhookDeliveryJob, attemptsMade: number, queuedAt: number): Promise<void> {
    const attempt = (job.previousAttempts ?? 0) + attemptsMade + 1;
    const firstAttemptAt = job.firstQueuedAt ?? queuedAt;
    const target = await this.targets.load(job.endpointId, job.eventId);
    // Removed, disabled, no longer subscribed, or already answered with a 2xx: nothing to send.
    if (!target || !target.enabled || target.alreadyDelivered) return;
    if (job.type !== 'webhook.ping' && !subscribesTo(target.events, job.type)) return;

    const startedAt = new Date();
    const result = await this.sender.send(target.url, target.secrets, job.eventId, job.body);
    recordWebhookAttempt(result.ok, committedAtOf(job.body));
    await this.log.record({
      endpointId: job.endpointId,
      eventId: job.eventId,
      eventType: job.type,
      attempt,
      startedAt,
      succeeded: result.ok,
      statusCode: result.statusCode,
      durationMs: result.durationMs,
      error: result.error,
    });

    if (result.statusCode === 410) {
      await this.health.disable(job.endpointId, target.url, 'gone');
      return;
    }
    const disabled = await this.health.afterAttempts(job.endpointId, target, {
      succeeded: result.ok,
      failed: !result.ok,
      at: startedAt,
    });
    if (result.ok || disabled) return;
    const delay = nextRetryDelayMs(
      this.config.webhookRetryScheduleMs,
      attempt,
      firstAttemptAt,
      result.retryAfterMs,
    );
    throw new DeliveryFailed(result.error ?? 'delivery failed', delay);
  }
}
