import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/mysql';
import { SYSTEM_ACTOR } from '../../auth/principal';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { EventOutbox } from '../../events/event-outbox.service';
import { WebhookDisabledReason, WebhookEndpoint } from '../webhook-endpoint.entity';
import { DeliveryTarget } from './webhook-targets';

/**
 * An endpoint's failing streak after delivery attempts: a success clears it, a failure starts it,
 * and an endpoint that has failed for WEBHOOK_DISABLE_AFTER_MS (24 h) without a success is
 * disabled with a `webhook.disabled` event (as is one that answered 410 Gone).
 */
@Injectable()
export class EndpointHealth {
  constructor(
    private readonly em: EntityManager,
    private readonly outbox: EventOutbox,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Records the outcome of attempts made from `at` on (one, or a batch's). Returns true when the
   * endpoint is now disabled for failing too long, so no retry should be queued.
   */
  async afterAttempts(
    endpointId: number,
    target: DeliveryTarget,
    outcome: { succeeded: boolean; failed: boolean; at: Date },
  ): Promise<boolean> {
    if (!outcome.failed) {
      if (target.failingSince)
        await this.em
          .fork()
          .nativeUpdate(WebhookEndpoint, { id: endpointId }, { failingSince: null });
      return false;
    }
    // A success in the same batch means the endpoint was alive: the streak starts afresh.
    if (outcome.succeeded) {
      await this.em
        .fork()
        .nativeUpdate(WebhookEndpoint, { id: endpointId }, { failingSince: outcome.at });
      return false;
    }
    const failingSince = target.failingSince ?? outcome.at;
    if (!target.failingSince)
      await this.em
        .fork()
        .nativeUpdate(WebhookEndpoint, { id: endpointId, failingSince: null }, { failingSince });
    if (Date.now() - failingSince.getTime() < this.config.webhookDisableAfterMs) return false;
    await this.disable(endpointId, target.url, 'failing');
    return true;
  }

  /** Idempotent: only the call that actually switches the endpoint off records the event. */
  async disable(endpointId: number, url: string, reason: WebhookDisabledReason): Promise<void> {
    await this.em.fork().transactional(async (em) => {
      const changed = await em.nativeUpdate(
        WebhookEndpoint,
        { id: endpointId, enabled: true },
        { enabled: false, disabledReason: reason, updatedAt: new Date() },
      );
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
