import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/mysql';
import { SYSTEM_ACTOR } from '../auth/principal';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { EventOutbox } from '../events/event-outbox.service';
import { DeliveryFailed, nextRetryDelayMs } from './retry-schedule';
import { SecretBox } from './secret-box';
import { subscribesTo, WebhookDeliveryJob } from './webhook-delivery.queue';
import { WebhookDelivery } from './webhook-delivery.entity';
import { WebhookDisabledReason, WebhookEndpoint } from './webhook-endpoint.entity';
import { WebhookSender } from './webhook-sender';

interface Target {
  url: string;
  events: string[];
  enabled: boolean;
  secrets: string[];
  failingSince: Date | null;
  alreadyDelivered: boolean;
}

/**
 * Makes one delivery attempt of a queued job and records it. Success clears the endpoint's failing
 * streak; 410 Gone disables the endpoint at once; any other failure is retried on the schedule,
 * and an endpoint that has failed for WEBHOOK_DISABLE_AFTER_MS (24 h) is disabled with a
 * `webhook.disabled` event.
 */
@Injectable()
export class WebhookDeliverer {
  constructor(
    private readonly rootEm: EntityManager,
    private readonly sender: WebhookSender,
    private readonly secrets: SecretBox,
    private readonly outbox: EventOutbox,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** `attempt` counts from 1; `firstAttemptAt` is when the job was queued. */
  async deliver(job: WebhookDeliveryJob, attempt: number, firstAttemptAt: number): Promise<void> {
    const em = this.rootEm.fork();
    const target = await this.loadTarget(em, job);
    // Removed, disabled, no longer subscribed, or already answered with a 2xx: nothing to send.
    if (!target || !target.enabled || target.alreadyDelivered) return;
    if (job.type !== 'webhook.ping' && !subscribesTo(target.events, job.type)) return;

    const startedAt = new Date();
    const result = await this.sender.send(target.url, target.secrets, job.eventId, job.body);
    await em.insert(WebhookDelivery, {
      endpoint: job.endpointId,
      eventId: job.eventId,
      eventType: job.type,
      attempt,
      succeeded: result.ok,
      statusCode: result.statusCode,
      durationMs: result.durationMs,
      error: result.error?.slice(0, 500) ?? null,
      createdAt: startedAt,
    });

    if (result.ok) {
      if (target.failingSince) await em.nativeUpdate(WebhookEndpoint, { id: job.endpointId }, { failingSince: null });
      return;
    }
    if (result.statusCode === 410) {
      await this.disable(job.endpointId, target.url, 'gone');
      return;
    }
    const failingSince = target.failingSince ?? startedAt;
    if (!target.failingSince) await em.nativeUpdate(WebhookEndpoint, { id: job.endpointId, failingSince: null }, { failingSince });
    if (Date.now() - failingSince.getTime() >= this.config.webhookDisableAfterMs) {
      await this.disable(job.endpointId, target.url, 'failing');
      return;
    }
    const delay = nextRetryDelayMs(this.config.webhookRetryScheduleMs, attempt, firstAttemptAt, result.retryAfterMs);
    throw new DeliveryFailed(result.error ?? 'delivery failed', delay);
  }

  /** One query: the endpoint as it is now, and whether this event already got a 2xx from it. */
  private async loadTarget(em: EntityManager, job: WebhookDeliveryJob): Promise<Target | null> {
    const rows = await em.getConnection().execute<
      Array<{ url: string; events: string | string[]; enabled: number; secret: string; previous: string | null; previous_until: Date | string | null; failing_since: Date | string | null; delivered: number }>
    >(
      `SELECT e.url, e.events, e.enabled, e.secret_encrypted AS secret, e.previous_secret_encrypted AS previous,
              e.previous_secret_expires_at AS previous_until, e.failing_since,
              EXISTS (SELECT 1 FROM webhook_delivery d WHERE d.endpoint_id = e.id AND d.event_id = ? AND d.succeeded = 1) AS delivered
         FROM webhook_endpoint e WHERE e.id = ?`,
      [job.eventId, job.endpointId],
    );
    const row = rows[0];
    if (!row) return null;
    const previousUntil = toDate(row.previous_until);
    const secrets = [this.secrets.open(row.secret)];
    if (row.previous && previousUntil && previousUntil.getTime() > Date.now()) secrets.push(this.secrets.open(row.previous));
    return {
      url: row.url,
      events: typeof row.events === 'string' ? (JSON.parse(row.events) as string[]) : row.events,
      enabled: Boolean(row.enabled),
      secrets,
      failingSince: toDate(row.failing_since),
      alreadyDelivered: Boolean(Number(row.delivered)),
    };
  }

  /** Idempotent: only the job that actually switches the endpoint off records the event. */
  private async disable(endpointId: number, url: string, reason: WebhookDisabledReason): Promise<void> {
    await this.rootEm.fork().transactional(async (em) => {
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

function toDate(value: Date | string | null): Date | null {
  if (value === null) return null;
  if (value instanceof Date) return value;
  return new Date(value.includes('T') || value.endsWith('Z') ? value : `${value.replace(' ', 'T')}Z`);
}
