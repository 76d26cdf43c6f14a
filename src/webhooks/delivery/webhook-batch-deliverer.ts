import { Inject, Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { committedAtOf, recordWebhookAttempt } from '../../metrics/webhook-metrics';
import { DeliveryAttempt, DeliveryLog } from './delivery-log';
import { EndpointHealth } from './endpoint-health';
import { nextRetryDelayMs } from './retry-schedule';
import {
  BatchedEvent,
  deliveryJobId,
  deliveryJobOptions,
  subscribesTo,
  WEBHOOK_DELIVERY_QUEUE,
  WebhookBatchJob,
  WebhookDeliveryJob,
} from './webhook-delivery.queue';
import { WebhookSender } from './webhook-sender';
import { WebhookTargets } from './webhook-targets';

/**
 * Makes the first attempt of every event of a batch to its endpoint: one Standard Webhooks request
 * per event (`webhook-id` = event id), concurrently across customers and in order within one. The
 * endpoint and what it already got are read once per batch; attempts are logged together. Each
 * event that failed gets its own single-event retry job (`${eventId}-${endpointId}`) on the
 * schedule, honouring Retry-After; 410 Gone disables the endpoint and stops the batch. Once the
 * endpoint gives no answer or answers 429, the batch's unsent events are queued as retries instead.
 */
@Injectable()
export class WebhookBatchDeliverer {
  constructor(
    private readonly targets: WebhookTargets,
    private readonly sender: WebhookSender,
    private readonly log: DeliveryLog,
    private readonly health: EndpointHealth,
    @InjectQueue(WEBHOOK_DELIVERY_QUEUE) private readonly retries: Queue<WebhookDeliveryJob>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * `queuedAt` is when the batch was queued: the retry schedule counts from it. Returns how long its
   * slowest request took (null if it sent nothing), by which the endpoint counts as slow or not.
   */
  async deliver(batch: WebhookBatchJob, queuedAt: number): Promise<number | null> {
    const loaded = await this.targets.loadForBatch(
      batch.endpointId,
      batch.events.map((event) => event.eventId),
    );
    if (!loaded || !loaded.target.enabled) return null;
    const { target, delivered } = loaded;
    // Already answered with a 2xx (a re-relayed event), or no longer subscribed: not sent.
    const due = batch.events.filter(
      (event) =>
        !delivered.has(event.eventId) &&
        (event.type === 'webhook.ping' || subscribesTo(target.events, event.type)),
    );
    if (due.length === 0) return null;

    const startedAt = new Date();
    const outcome = await this.sender.sendBatch(target.url, target.secrets, due);
    const byId = new Map(due.map((event) => [event.eventId, event]));
    const eventOf = (eventId: string) => byId.get(eventId) as BatchedEvent;
    for (const { eventId, result } of outcome.sent)
      recordWebhookAttempt(result.ok, committedAtOf(eventOf(eventId).body));
    const attempts: DeliveryAttempt[] = outcome.sent.map(({ eventId, startedAt: at, result }) => ({
      endpointId: batch.endpointId,
      eventId,
      eventType: eventOf(eventId).type,
      attempt: 1,
      startedAt: new Date(at),
      succeeded: result.ok,
      statusCode: result.statusCode,
      durationMs: result.durationMs,
      error: result.error,
    }));
    const failed = outcome.sent
      .filter(({ result }) => !result.ok && result.statusCode !== 410)
      .map(({ eventId, result }) => ({
        event: eventOf(eventId),
        retryAfterMs: result.retryAfterMs,
      }));
    const unsent = outcome.unsent.map(eventOf);
    await this.log.recordAll(attempts);
    const slowest = Math.max(0, ...attempts.map((a) => a.durationMs));

    if (outcome.gone) {
      await this.health.disable(batch.endpointId, target.url, 'gone');
      return slowest;
    }
    const succeeded = failed.length < attempts.length;
    const disabled = await this.health.afterAttempts(batch.endpointId, target, {
      succeeded,
      failed: failed.length > 0,
      at: startedAt,
    });
    if (failed.length === 0 || disabled) return slowest;
    const schedule = this.config.webhookRetryScheduleMs;
    const firstRetryAt = (retryAfterMs: number | null) =>
      Date.now() + nextRetryDelayMs(schedule, 1, queuedAt, retryAfterMs);
    // The retry job holds the rest of the schedule, counted from the first attempt.
    const retry = (
      event: BatchedEvent,
      previousAttempts: number,
      firstAttemptAt: number,
      dueAt: number,
    ) => ({
      name: event.type,
      data: {
        eventId: event.eventId,
        endpointId: batch.endpointId,
        type: event.type,
        body: event.body,
        previousAttempts,
        firstQueuedAt: firstAttemptAt,
      },
      opts: {
        ...deliveryJobOptions(schedule.length - previousAttempts),
        jobId: deliveryJobId(event.eventId, batch.endpointId),
        delay: Math.max(0, dueAt - Date.now()),
      },
    });
    const unsentDueAt = firstRetryAt(outcome.holdBackRetryAfterMs);
    await this.retries.addBulk([
      ...failed.map(({ event, retryAfterMs }) =>
        retry(event, 1, queuedAt, firstRetryAt(retryAfterMs)),
      ),
      // Not attempted yet: their first attempt comes with the others' first retry, and their schedule starts there.
      ...unsent.map((event) => retry(event, 0, unsentDueAt, unsentDueAt)),
    ]);
    return slowest;
  }
}
