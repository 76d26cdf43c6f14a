import { Inject, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { EntityManager } from '@mikro-orm/mysql';
import { SYSTEM_ACTOR } from '../../auth/principal';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { EventOutbox } from '../../events/event-outbox.service';
import { recordWebhookAttempt } from '../../metrics/webhook-metrics';
import {
  DELIVER_WEBHOOKS,
  DELIVERY_WORKER_OPTIONS,
  JobOf,
  WEBHOOK_DELIVERY_QUEUE,
} from '../../queues';
import {
  AttemptRecord,
  Claim,
  ClaimedDelivery,
  DB_NOW,
  DB_NOW_PLUS,
  Deliveries,
  LEASE_MS,
  Retry,
} from './deliveries';
import { HttpDelivery, SendResult } from './http-delivery';
import { SecretBox, WebhookDisabledReason, WebhookEndpoint } from '../webhook-endpoint.entity';

/** Requests of one round in flight at once, each to another customer. */
const AT_ONCE = 16;
/** This many failures and no success in a round: the endpoint fails, not an event. */
const ENDPOINT_FAILS_AFTER = 3;
/** Groups of attempts written at once: a success not yet marked goes again after a crash. */
const RECORDERS = 3;
/**
 * A request starts only while the lease has this long left by this process's count. A claim or
 * renewal the database held up (a Galera node lost) may land after the lease ran out, and another
 * worker may have claimed the same deliveries: they are left to it, unsent and untouched.
 */
const LEASE_LEFT_TO_SEND_MS = LEASE_MS / 3;

/**
 * The one send path, for first attempts, retries and probes: each delivery job claims what its
 * endpoint has due, signs and POSTs it, and records every attempt as its answer comes. Decided
 * here once: a failed delivery is retried on the schedule (honouring Retry-After) or `failed`; an
 * endpoint without answers is probed with one delivery at its backoff time, and one that answers
 * 410 or fails for a day is disabled, its deliveries paused.
 */
@Processor(WEBHOOK_DELIVERY_QUEUE, DELIVERY_WORKER_OPTIONS)
export class WebhookSender
  extends WorkerHost
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger(WebhookSender.name);
  private readonly http: HttpDelivery;
  private pendingRecords: Array<{ attempt: AttemptRecord; done: (error?: unknown) => void }> = [];
  /** Groups being written at once: a success waits for no other group's round trips. */
  private flushing = 0;
  private inFlight = 0;
  private stopping = false;

  constructor(
    private readonly deliveries: Deliveries,
    private readonly secrets: SecretBox,
    private readonly outbox: EventOutbox,
    private readonly em: EntityManager,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
    this.http = new HttpDelivery({
      allowPrivateTargets: config.webhookAllowPrivateTargets,
      timeoutMs: config.webhookTimeoutMs,
    });
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.webhookConcurrency;
  }

  /** Sends rounds of the endpoint's due deliveries until nothing is due (or the process stops). */
  async process(job: JobOf<typeof DELIVER_WEBHOOKS>): Promise<void> {
    const { endpointId } = job.data;
    this.inFlight += 1;
    try {
      while (!this.stopping) {
        const askedAt = Date.now();
        const claim = await this.deliveries.claim(endpointId, this.config.webhookBatchSize);
        if (!claim) return;
        await this.round(endpointId, claim, askedAt);
      }
    } finally {
      this.inFlight -= 1;
    }
  }

  /** Lets rounds in flight finish (within the delivery timeout), then closes the connections. */
  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    const deadline = Date.now() + this.config.webhookTimeoutMs + 1000;
    while (this.inFlight > 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    this.http.close();
  }

  private async round(endpointId: number, claim: Claim, askedAt: number): Promise<void> {
    const claimedAt = Date.now();
    let secrets: string[];
    try {
      secrets = claim.sealedSecrets.map((sealed) => this.secrets.open(sealed));
    } catch (error) {
      // Only this endpoint stops: its deliveries wait, unattempted, for its next probe.
      const reason = `its secret cannot be decrypted (${String(error)}): was SECRET_ENCRYPTION_KEY changed?`;
      this.logger.error(`webhook ${endpointId}: ${reason}`);
      await this.deliveries.moveOn(claim.deliveries, []);
      await this.endpointFailed(endpointId, claim, reason, true, null);
      return;
    }
    // Leased: renewed until sent, or until a failed one's retry time is written.
    const open = new Set(claim.deliveries.map((d) => d.id));
    // A database that cannot take attempts ends the round: what it sent would go again.
    let unrecordable = false;
    let leasedFrom = askedAt;
    const leaseHolds = () => Date.now() - leasedFrom < LEASE_MS - LEASE_LEFT_TO_SEND_MS;
    const lease = setInterval(() => {
      const extendedAt = Date.now();
      this.deliveries.extendLease([...open]).then(
        () => void (leasedFrom = Math.max(leasedFrom, extendedAt)),
        (error: unknown) => {
          unrecordable = true;
          this.logger.warn(`extending a lease failed: ${String(error)}`);
        },
      );
    }, LEASE_MS / 3);
    const failed: Array<{ delivery: ClaimedDelivery; result: SendResult }> = [];
    const unsent: ClaimedDelivery[] = [];
    let leftToOthers = 0;
    /** Each attempt's write: undefined once recorded, or why not. */
    const recorded: Array<Promise<unknown>> = [];
    let stop = null as SendResult | null;
    let succeeded = 0;
    try {
      const queue = runsOf(claim.deliveries);
      const lane = async () => {
        for (let run = queue.shift(); run; run = queue.shift()) {
          for (const [index, d] of run.entries()) {
            if (!leaseHolds()) {
              leftToOthers += run.length - index;
              break;
            }
            if (stop || unrecordable) {
              unsent.push(...run.slice(index));
              break;
            }
            const result = await this.http.send(claim.url, secrets, d.eventId, d.body);
            recordWebhookAttempt(result.ok, d.committedAt);
            recorded.push(
              this.record({ endpointId, delivery: d, result }).then(
                () => {
                  if (result.ok) open.delete(d.id);
                },
                (error: unknown) => {
                  unrecordable = true;
                  return error ?? new Error('not recorded');
                },
              ),
            );
            if (result.ok) {
              succeeded += 1;
              continue;
            }
            failed.push({ delivery: d, result });
            // 410, 429 or no answer stop the round: a dead endpoint costs one timeout, not one each.
            if ([410, 429, null].includes(result.statusCode)) stop ??= result;
            // The customer's later events wait, unattempted, behind the one that failed.
            unsent.push(...run.slice(index + 1));
            break;
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(AT_ONCE, queue.length) }, lane));
      const unrecorded = (await Promise.all(recorded)).filter((error) => error !== undefined);
      // An unrecorded success stays pending, and goes again once its lease runs out.
      if (unrecorded.length > 0)
        this.logger.warn(
          `${unrecorded.length} attempt(s) to webhook ${endpointId} not recorded: ${String(unrecorded[0])}`,
        );
    } finally {
      clearInterval(lease);
    }
    if (leftToOthers > 0)
      this.logger.warn(
        `webhook ${endpointId}: ${leftToOthers} deliveries left unsent, their lease may have run out (the database confirmed it ${Date.now() - leasedFrom} ms ago)`,
      );
    const elapsed = Date.now() - claimedAt;
    if (leaseHolds())
      await this.deliveries.moveOn(
        unsent,
        failed.map(({ delivery, result }) => this.retryOf(delivery, result, elapsed)),
      );
    // Past it another worker may have sent them: writing now could make them due twice.
    else
      this.logger.warn(
        `webhook ${endpointId}: the lease ran out before the round ended; ${unsent.length + failed.length} deliveries fall due with it`,
      );
    const error = failed[0]?.result.error ?? 'delivery failed';
    if (stop?.statusCode === 410) await this.disable(endpointId, claim.url, 'gone');
    else if (succeeded > 0) {
      if (claim.probing || claim.failingForMs !== null) await this.endpointRecovered(endpointId);
    } else if (stop || failed.length > 0) {
      const probe = stop !== null || claim.probing || failed.length >= ENDPOINT_FAILS_AFTER;
      await this.endpointFailed(endpointId, claim, error, probe, stop?.retryAfterMs ?? null);
    }
  }

  /** Attempts are written in groups, each as soon as the previous group is. */
  private record(attempt: AttemptRecord): Promise<void> {
    const written = new Promise<void>((resolve, reject) =>
      this.pendingRecords.push({ attempt, done: (e) => (e ? reject(e) : resolve()) }),
    );
    if (this.flushing < RECORDERS) {
      this.flushing += 1;
      void this.flushRecords();
    }
    return written;
  }

  private async flushRecords(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    while (this.pendingRecords.length > 0) {
      const group = this.pendingRecords.splice(0, 500);
      const attempts = group.map((entry) => entry.attempt);
      try {
        await this.deliveries.recordAttempts(attempts);
        group.forEach((entry) => entry.done());
      } catch (error) {
        group.forEach((entry) => entry.done(error ?? new Error('not recorded')));
      }
    }
    this.flushing -= 1;
  }

  private retryOf(d: ClaimedDelivery, result: SendResult, elapsedMs: number): Retry {
    const schedule = this.config.webhookRetryScheduleMs;
    const attempt = d.attempts + 1;
    const error = result.error ?? 'delivery failed';
    if (attempt > schedule.length) return { id: d.id, failed: true, delayMs: 0, error };
    const sinceFirst = d.sinceFirstMs + elapsedMs;
    const delayMs = nextRetryDelayMs(schedule, attempt, 0, result.retryAfterMs, sinceFirst);
    return { id: d.id, failed: false, delayMs, error };
  }

  /**
   * A round without a success starts the failing streak; a day of it disables the endpoint. When the
   * endpoint itself fails (`probe`), one probe goes at the schedule's next offset from the start.
   */
  private async endpointFailed(
    endpointId: number,
    claim: Claim,
    error: string,
    probe: boolean,
    retryAfterMs: number | null,
  ): Promise<void> {
    const failingFor = claim.failingForMs ?? 0;
    if (failingFor >= this.config.webhookDisableAfterMs)
      return this.disable(endpointId, claim.url, 'failing');
    const schedule = this.config.webhookRetryScheduleMs;
    const next = schedule.find((offset) => offset > failingFor) ?? schedule[schedule.length - 1];
    const delayMs =
      Math.max(next - failingFor, retryAfterMs ?? 0, 1000) * (1 + Math.random() * 0.1);
    await this.em.getConnection().execute(
      `UPDATE webhook_endpoint SET failing_since = COALESCE(failing_since, ${DB_NOW}),
              probe_at = IF(?, ${DB_NOW_PLUS}, NULL), last_error = ? WHERE id = ?`,
      [probe, Math.round(delayMs), error.slice(0, 500), endpointId],
      'run',
    );
  }

  private async endpointRecovered(endpointId: number): Promise<void> {
    await this.em
      .getConnection()
      .execute(
        'UPDATE webhook_endpoint SET failing_since = NULL, probe_at = NULL, last_error = NULL WHERE id = ?',
        [endpointId],
        'run',
      );
  }

  /** Only the call that switches the endpoint off pauses its deliveries and records the event. */
  private async disable(
    endpointId: number,
    url: string,
    reason: WebhookDisabledReason,
  ): Promise<void> {
    await this.em.fork().transactional(async (em) => {
      const changed = await em.nativeUpdate(
        WebhookEndpoint,
        { id: endpointId, enabled: true },
        { enabled: false, disabledReason: reason, probeAt: null, updatedAt: new Date() },
      );
      if (changed === 0) return;
      await this.deliveries.followEndpoints({ id: endpointId, em });
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

/** A claim's deliveries as runs: each customer's in order, one without a customer alone. */
function runsOf(deliveries: ClaimedDelivery[]): ClaimedDelivery[][] {
  const runs = new Map<string, ClaimedDelivery[]>();
  for (const d of deliveries) {
    const key = d.customerId ?? `delivery ${d.id}`;
    const run = runs.get(key);
    if (run) run.push(d);
    else runs.set(key, [d]);
  }
  return [...runs.values()];
}

/**
 * The wait before the next attempt. The schedule lists offsets from the first attempt (5 s ... 24 h);
 * up to 10 % of each gap is jitter, so a consumer back from an outage gets its retries spread out. A
 * longer Retry-After wins.
 */
export function nextRetryDelayMs(
  scheduleMs: number[],
  failedAttempt: number,
  firstAttemptAt: number,
  retryAfterMs: number | null,
  now: number,
  random = Math.random,
): number {
  const index = Math.min(failedAttempt, scheduleMs.length) - 1;
  const gap = scheduleMs[index] - (index > 0 ? scheduleMs[index - 1] : 0);
  const scheduled = firstAttemptAt + scheduleMs[index] - now + random() * 0.1 * gap;
  return Math.round(Math.max(scheduled, retryAfterMs ?? 0, 0));
}
