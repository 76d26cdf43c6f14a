import { Inject, Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../config/app-config';
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

/** Requests of one batch in flight at once (customers' event chains, each sent in order). */
const CHAINS_AT_ONCE = 16;

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
    const attempts: DeliveryAttempt[] = [];
    const failed: Array<{ event: BatchedEvent; retryAfterMs: number | null }> = [];
    const unsent: BatchedEvent[] = [];
    let gone = false;
    // Set once the endpoint gave no answer (timeout, connection error) or asked to slow down: the
    // rest of the batch is not sent now but retried later, so a dead endpoint costs one round of
    // timeouts per batch, not one per event.
    let backOff = null as { retryAfterMs: number | null } | null;
    await inParallel(chainsByCustomer(due), CHAINS_AT_ONCE, async (chain) => {
      for (const event of chain) {
        if (gone) return;
        if (backOff) {
          unsent.push(event);
          continue;
        }
        const attemptAt = new Date();
        const result = await this.sender.send(
          target.url,
          target.secrets,
          event.eventId,
          event.body,
        );
        attempts.push({
          endpointId: batch.endpointId,
          eventId: event.eventId,
          eventType: event.type,
          attempt: 1,
          startedAt: attemptAt,
          succeeded: result.ok,
          statusCode: result.statusCode,
          durationMs: result.durationMs,
          error: result.error,
        });
        if (result.statusCode === 410) gone = true;
        else if (!result.ok) {
          failed.push({ event, retryAfterMs: result.retryAfterMs });
          if (result.statusCode === null || result.statusCode === 429)
            backOff ??= { retryAfterMs: result.retryAfterMs };
        }
      }
    });
    await this.log.recordAll(attempts);
    const slowest = Math.max(0, ...attempts.map((a) => a.durationMs));

    if (gone) {
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
    const unsentDueAt = firstRetryAt(backOff?.retryAfterMs ?? null);
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

/** A customer's events, in the id order they were claimed in; events of no customer alone. */
function chainsByCustomer(events: BatchedEvent[]): BatchedEvent[][] {
  const chains = new Map<string, BatchedEvent[]>();
  for (const event of events) {
    const key =
      event.customerId === null ? `event-${event.eventId}` : `customer-${event.customerId}`;
    const chain = chains.get(key);
    if (chain) chain.push(event);
    else chains.set(key, [event]);
  }
  return [...chains.values()];
}

async function inParallel<T>(
  items: T[],
  limit: number,
  run: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await run(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
