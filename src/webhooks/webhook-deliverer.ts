import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/mysql';
import { SYSTEM_ACTOR } from '../auth/principal';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { EventOutbox } from '../events/event-outbox.service';
import { DeliveryLog } from './delivery-log';
import { DeliveryFailed, nextRetryDelayMs } from './retry-schedule';
import { subscribesTo, WebhookDeliveryJob } from './webhook-delivery.queue';
import { WebhookDisabledReason, WebhookEndpoint } from './webhook-endpoint.entity';
import { WebhookSender } from './webhook-sender';
import { WebhookTargets } from './webhook-targets';

/**
 * Makes one delivery attempt of a queued job and records it. Success clears the endpoint's failing
 * streak; 410 Gone disables the endpoint at once; any other failure is retried on the schedule,
 * and an endpoint that has failed for WEBHOOK_DISABLE_AFTER_MS (24 h) is disabled with a
 * `webhook.disabled` event.
 */
@Injectable()
export class WebhookDeliverer {
  constructor(
    private readonly em: EntityManager,
    private readonly targets: WebhookTargets,
    private readonly sender: WebhookSender,
    private readonly log: DeliveryLog,
    private readonly outbox: EventOutbox,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** `attempt` counts from 1; `firstAttemptAt` is when the job was queued. */
  async deliver(job: WebhookDeliveryJob, attempt: number, firstAttemptAt: number): Promise<void> {
    const target = await this.targets.load(job.endpointId, job.eventId);
    // Removed, disabled, no longer subscribed, or already answered with a 2xx: nothing to send.
    if (!target || !target.enabled || target.alreadyDelivered) return;
    if (job.type !== 'webhook.ping' && !subscribesTo(target.events, job.type)) return;

    const startedAt = new Date();
    const result = await this.sender.send(target.url, target.secrets, job.eventId, job.body);
    await this.log.record({ endpointId: job.endpointId, eventId: job.eventId, eventType: job.type, attempt, startedAt, succeeded: result.ok, statusCode: result.statusCode, durationMs: result.durationMs, error: result.error });

    if (result.ok) {
      if (target.failingSince) await this.em.fork().nativeUpdate(WebhookEndpoint, { id: job.endpointId }, { failingSince: null });
      return;
    }
    if (result.statusCode === 410) {
      await this.disable(job.endpointId, target.url, 'gone');
      return;
    }
    const failingSince = target.failingSince ?? startedAt;
    if (!target.failingSince) await this.em.fork().nativeUpdate(WebhookEndpoint, { id: job.endpointId, failingSince: null }, { failingSince });
    if (Date.now() - failingSince.getTime() >= this.config.webhookDisableAfterMs) {
      await this.disable(job.endpointId, target.url, 'failing');
      return;
    }
    const delay = nextRetryDelayMs(this.config.webhookRetryScheduleMs, attempt, firstAttemptAt, result.retryAfterMs);
    throw new DeliveryFailed(result.error ?? 'delivery failed', delay);
  }

  /** Idempotent: only the job that actually switches the endpoint off records the event. */
  private async disable(endpointId: number, url: string, reason: WebhookDisabledReason): Promise<void> {
    await this.em.fork().transactional(async (em) => {
      const changed = await em.nativeUpdate(WebhookEndpoint, { id: endpointId, enabled: true }, { enabled: false, disabledReason: reason, updatedAt: new Date() });
      if (changed === 0) return;
      await this.outbox.record(em, {
        type: 'webhook.disabled',
        objectType: 'webhook',
        objectId: endpointId,
        actor: SYSTEM_ACTOR,
        payload: { webhook: { id: endpointId, url, reason } },
      });
    });
  }
}
