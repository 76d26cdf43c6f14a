import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { recordWebhookAttempt } from '../../metrics/webhook-metrics';
import { SentMessage } from './batch-send';
import { DeliveryLog } from './delivery-log';
import { ClaimedDelivery, DeliveryNext, DeliveryStates } from './delivery-states';
import { EndpointHealth } from './endpoint-health';
import { newWakePrefix } from './event-routing';
import { messageBody } from './relay.service';
import { nextRetryDelayMs } from './retry-schedule';
import { DeliveryWakeUps, WakeUp } from './wake-ups';
import { WebhookSender } from './webhook-sender';
import { WebhookTargets } from './webhook-targets';

/**
 * How long a worker holds the deliveries it took before they fall due again. Renewed while it
 * sends, so only a dead worker's deliveries fall due: within this time plus one sweep.
 */
export const LEASE_MS = 6_000;

/**
 * The one delivery path, for first attempts and retries alike (a retry is a batch of one): takes
 * the due deliveries of a wake-up job, sends them to their endpoint (one Standard Webhooks request
 * per event, concurrently across customers and in order within one), and records every attempt.
 * Decided here, once each: what a failure means for the delivery (a retry on the schedule,
 * honouring Retry-After, or `failed` once the schedule is used up), and what it means for the
 * endpoint (410 Gone disables it; EndpointHealth disables one failing for too long).
 */
@Injectable()
export class WebhookDeliverer {
  private readonly logger = new Logger(WebhookDeliverer.name);

  constructor(
    private readonly targets: WebhookTargets,
    private readonly sender: WebhookSender,
    private readonly states: DeliveryStates,
    private readonly log: DeliveryLog,
    private readonly health: EndpointHealth,
    private readonly wakeUps: DeliveryWakeUps,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Returns how long the slowest request took (null if nothing was sent), by which the endpoint
   * counts as slow or not. Deliveries of a removed endpoint are gone with it; those of a disabled
   * one stay pending until it is enabled again (the sweep then wakes them).
   */
  async deliver(endpointId: number, wakeJob: string): Promise<number | null> {
    const target = await this.targets.load(endpointId);
    if (!target || !target.enabled) return null;
    const claimed = await this.states.claim(wakeJob, LEASE_MS);
    if (claimed.length === 0) return null;

    const open = new Set(claimed);
    const byEvent = new Map(claimed.map((delivery) => [delivery.event.id, delivery]));
    // Each record is caught at once: a rejection left waiting for the end of the batch would be
    // an unhandled rejection, which ends the process. A success that cannot be recorded stays
    // pending; its lease runs out and it is sent again (at least once, never lost).
    const recorded: Array<Promise<void>> = [];
    const unrecorded: unknown[] = [];
    const record = (writing: Promise<void>) =>
      recorded.push(writing.catch((error: unknown) => void unrecorded.push(error)));
    const lease = setInterval(() => {
      this.states
        .extendLease([...open], LEASE_MS)
        .catch((error: unknown) =>
          this.logger.warn(`extending a delivery lease failed: ${String(error)}`),
        );
    }, LEASE_MS / 3);
    const startedAt = new Date();
    let outcome;
    try {
      outcome = await this.sender.sendBatch(
        target.url,
        target.secrets,
        claimed.map((delivery) => ({
          eventId: delivery.event.id,
          body: messageBody(delivery.event),
          customerId: delivery.event.customerId,
        })),
        (sent) => {
          const delivery = byEvent.get(sent.eventId) as ClaimedDelivery;
          recordWebhookAttempt(sent.result.ok, delivery.event.createdAt);
          record(this.log.record(attemptOf(endpointId, delivery, sent)));
          if (!sent.result.ok) return;
          open.delete(delivery);
          record(this.states.succeeded(delivery));
        },
      );
    } finally {
      clearInterval(lease);
    }
    await Promise.all(recorded);
    if (unrecorded.length > 0)
      this.logger.warn(
        `${unrecorded.length} attempt(s) to endpoint ${endpointId} not recorded (sent again once their lease ends): ${String(unrecorded[0])}`,
      );

    const failed = outcome.sent.filter(({ result }) => !result.ok);
    const nextOf = this.retryPlanner(endpointId);
    const next: DeliveryNext[] = failed.map(({ eventId, result }) =>
      nextOf.failed(byEvent.get(eventId) as ClaimedDelivery, result.error, result.retryAfterMs),
    );
    const heldBack = outcome.unsent.map((eventId) => byEvent.get(eventId) as ClaimedDelivery);
    next.push(...nextOf.heldBack(heldBack, outcome.holdBackRetryAfterMs));
    await this.states.moveOn(next);
    await this.wakeUps.add(nextOf.wakeUps);

    const slowest = Math.max(0, ...outcome.sent.map(({ result }) => result.durationMs));
    if (outcome.gone) await this.health.disable(endpointId, target.url, 'gone');
    else if (outcome.sent.length > 0)
      await this.health.afterAttempts(endpointId, target, {
        succeeded: failed.length < outcome.sent.length,
        failed: failed.length > 0,
        at: startedAt,
      });
    return slowest;
  }

  /**
   * Where failed and held-back deliveries go next. A failed one is retried alone (a batch of one)
   * at its time on the schedule, or ends `failed` once the schedule is used up; held-back ones
   * (not attempted: the endpoint stopped answering) go together, with the first retry.
   */
  private retryPlanner(endpointId: number) {
    const schedule = this.config.webhookRetryScheduleMs;
    const prefix = newWakePrefix();
    const wakeUps: WakeUp[] = [];
    const wake = (suffix: string, at: Date) => {
      const key = `${prefix}.${endpointId}.${suffix}`;
      wakeUps.push({ key, endpointId, at: at.getTime() });
      return key;
    };
    return {
      wakeUps,
      failed: (delivery: ClaimedDelivery, error: string | null, retryAfterMs: number | null) => {
        const attempt = delivery.attempts + 1;
        const lastError = error ?? 'delivery failed';
        if (attempt > schedule.length)
          return {
            delivery,
            state: 'failed' as const,
            attempted: true,
            nextAttemptAt: null,
            wakeJob: null,
            lastError,
          };
        const at = new Date(
          Date.now() +
            nextRetryDelayMs(schedule, attempt, delivery.firstAttemptAt.getTime(), retryAfterMs),
        );
        return {
          delivery,
          state: 'pending' as const,
          attempted: true,
          nextAttemptAt: at,
          wakeJob: wake(delivery.id, at),
          lastError,
        };
      },
      heldBack: (deliveries: ClaimedDelivery[], retryAfterMs: number | null): DeliveryNext[] => {
        if (deliveries.length === 0) return [];
        const at = new Date(Date.now() + nextRetryDelayMs(schedule, 1, Date.now(), retryAfterMs));
        const wakeJob = wake('held', at);
        return deliveries.map((delivery) => ({
          delivery,
          state: 'pending' as const,
          attempted: false,
          nextAttemptAt: at,
          wakeJob,
          lastError: null,
        }));
      },
    };
  }
}

function attemptOf(endpointId: number, delivery: ClaimedDelivery, sent: SentMessage) {
  return {
    endpointId,
    eventId: delivery.event.id,
    eventType: delivery.event.type,
    attempt: delivery.attempts + 1,
    startedAt: new Date(sent.startedAt),
    succeeded: sent.result.ok,
    statusCode: sent.result.statusCode,
    durationMs: sent.result.durationMs,
    error: sent.result.error,
  };
}
