import { Inject, Injectable } from '@nestjs/common';
import { LockMode } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/mysql';
import { actorOf, Principal } from '../auth/principal';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { decodeCursor, isIdCursor, toPage } from '../common/cursor';
import { Conflict, NotFound, ValidationFailed } from '../common/domain-errors';
import { fromSqlDate } from '../common/sql-dates';
import { retriedTransaction, retryOnLockConflict } from '../database/lock-conflicts';
import { EventOutbox } from '../events/event-outbox.service';
import { OutboxEvent } from '../events/outbox-event.entity';
import {
  CreateWebhookDto,
  ListDeliveriesQuery,
  RecoverEventsDto,
  ResendEventsDto,
  UpdateWebhookDto,
} from './dto/webhook-input.dto';
import { Deliveries } from './delivery/deliveries';
import { DeliveryState } from './delivery/delivery.entities';
import { DeliveryWakeUps } from './delivery/relay';
import { checkTargetUrl, TargetRefused } from './delivery/target-address';
import { newWebhookSecret, SecretBox, WebhookEndpoint } from './webhook-endpoint.entity';
import { WebhookView } from './webhook.views';

/** After a rotation, deliveries carry signatures of the old and the new secret for this long. */
const ROTATION_OVERLAP_MS = 24 * 3600 * 1000;

type Lookup = { lock?: boolean; secrets?: boolean; enabledBefore?: string };

interface AttemptRow {
  id: string | number;
  event_id: string | number;
  event_type: string;
  attempt: number;
  succeeded: number;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  created_at: string | Date;
  state: DeliveryState | null;
}

/** Administrators' use cases on webhook endpoints and on what is delivered to them. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly em: EntityManager,
    private readonly secrets: SecretBox,
    private readonly outbox: EventOutbox,
    private readonly deliveries: Deliveries,
    private readonly wakeUps: DeliveryWakeUps,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async list() {
    const endpoints = await this.em.find(WebhookEndpoint, {}, { orderBy: { id: 'asc' } });
    const paused = await this.deliveries.countPaused(endpoints.map((e) => e.id));
    return { items: endpoints.map((e) => this.map(e, paused.get(e.id) ?? 0)) };
  }

  async get(id: number) {
    return this.view(await this.find(this.em, id));
  }

  async create(dto: CreateWebhookDto) {
    await this.checkUrl(dto.url);
    const secret = newWebhookSecret();
    const endpoint = this.em.create(WebhookEndpoint, {
      url: dto.url,
      events: normalizeEvents(dto.events),
      description: dto.description ?? null,
      enabled: dto.enabled ?? true,
      secretEncrypted: this.secrets.seal(secret),
    });
    await this.em.flush();
    return { ...this.map(endpoint, 0), secret };
  }

  async update(id: number, dto: UpdateWebhookDto) {
    if (dto.url !== undefined) await this.checkUrl(dto.url);
    const { endpoint, moved } = await retriedTransaction(this.em, async (em) => {
      const endpoint = await this.find(em, id, { lock: true });
      if (dto.url !== undefined) endpoint.url = dto.url;
      if (dto.events !== undefined) endpoint.events = normalizeEvents(dto.events);
      if (dto.description !== undefined) endpoint.description = dto.description || null;
      if (dto.enabled === undefined || dto.enabled === endpoint.enabled)
        return { endpoint, moved: 0 };
      endpoint.enabled = dto.enabled;
      // A fresh start: the reason and the failing streak belong to the time it was off.
      endpoint.disabledReason = null;
      endpoint.failingSince = null;
      endpoint.probeAt = null;
      endpoint.lastError = null;
      await em.flush();
      return { endpoint, moved: await this.deliveries.followEndpoints({ id, em }) };
    });
    if (endpoint.enabled && moved > 0) await this.wakeUps.wake([id]);
    return this.view(endpoint);
  }

  async discardPaused(auth: Principal, id: number) {
    const discarded = await retriedTransaction(this.em, async (em) => {
      const endpoint = await this.find(em, id, { lock: true });
      if (endpoint.enabled)
        throw new Conflict(
          `Webhook ${id} is enabled: only a disabled endpoint has paused deliveries.`,
        );
      const discarded = await this.deliveries.discardPaused(em, id);
      await this.outbox.record(em, {
        type: 'webhook.paused_discarded',
        objectType: 'webhook',
        objectId: id,
        actor: actorOf(auth),
        payload: { webhook: { id, url: endpoint.url, discarded } },
      });
      return discarded;
    });
    return { discarded };
  }

  async remove(id: number) {
    const removed = await retryOnLockConflict(() => this.em.nativeDelete(WebhookEndpoint, { id }));
    if (removed === 0) throw new NotFound('Webhook', id);
  }

  /** Through the outbox like every event, but delivered to this endpoint only. */
  async ping(auth: Principal, id: number) {
    const event = await retriedTransaction(this.em, async (em) => {
      const endpoint = await this.find(em, id, { enabledBefore: 'pinging it' });
      return this.outbox.record(em, {
        type: 'webhook.ping',
        objectType: 'webhook',
        objectId: id,
        actor: actorOf(auth),
        payload: { webhook: { id, url: endpoint.url } },
      });
    });
    return { eventId: Number(event.id) };
  }

  async rotateSecret(id: number) {
    const secret = newWebhookSecret();
    const endpoint = await retriedTransaction(this.em, async (em) => {
      const endpoint = await this.find(em, id, { secrets: true });
      endpoint.previousSecretEncrypted = endpoint.secretEncrypted;
      endpoint.previousSecretExpiresAt = new Date(Date.now() + ROTATION_OVERLAP_MS);
      endpoint.secretEncrypted = this.secrets.seal(secret);
      return endpoint;
    });
    return { ...(await this.view(endpoint)), secret };
  }

  async attempts(id: number, query: ListDeliveriesQuery) {
    await this.find(this.em, id);
    const before = query.cursor ? decodeCursor(query.cursor, isIdCursor).id : null;
    const state = query.state ?? null;
    const rows = await this.em.getConnection().execute<AttemptRow[]>(
      `SELECT a.id, a.event_id, a.event_type, a.attempt, a.succeeded, a.status_code, a.duration_ms, a.error, a.created_at, d.state
         FROM delivery_attempt a LEFT JOIN event_delivery d ON d.event_id = a.event_id AND d.endpoint_id = a.endpoint_id
        WHERE a.endpoint_id = ? AND (? IS NULL OR a.id < ?) AND (? IS NULL OR d.state = ?)
        ORDER BY a.id DESC LIMIT ${query.limit + 1}`,
      [id, before, before, state, state],
    );
    return toPage(
      rows,
      query.limit,
      (row) => ({ id: Number(row.id) }),
      (row) => ({
        id: Number(row.id),
        eventId: Number(row.event_id),
        eventType: row.event_type,
        attempt: Number(row.attempt),
        succeeded: Boolean(Number(row.succeeded)),
        statusCode: row.status_code === null ? null : Number(row.status_code),
        durationMs: Number(row.duration_ms),
        error: row.error,
        state: row.state,
        createdAt: (fromSqlDate(row.created_at) ?? new Date(0)).toISOString(),
      }),
    );
  }

  async resend(id: number, dto: ResendEventsDto) {
    await this.find(this.em, id, { enabledBefore: 'sending events to it' });
    const eventIds = dto.eventIds.map(String);
    const known = await this.em.find(OutboxEvent, { id: { $in: eventIds } }, { fields: ['id'] });
    const found = new Set(known.map((row) => String(row.id)));
    const missing = eventIds.filter((eventId) => !found.has(eventId));
    if (missing.length > 0) throw new NotFound('Event', missing.join(', '));
    // Also events the endpoint never had (not subscribed then, or created later): asked for, so sent.
    const queued = await this.deliveries.sendAgain(id, { eventIds });
    await this.wakeUps.wake([id]);
    return { queued };
  }

  async recover(id: number, dto: RecoverEventsDto) {
    const until = dto.until ?? new Date();
    if (dto.since.getTime() >= until.getTime())
      throw new ValidationFailed([
        { field: 'until', code: 'too_small', message: 'until must be later than since' },
      ]);
    await this.find(this.em, id, { enabledBefore: 'sending events to it' });
    const queued = await this.deliveries.sendAgain(id, { failedBetween: [dto.since, until] });
    if (queued > 0) await this.wakeUps.wake([id]);
    return { queued };
  }

  /**
   * `lock`: the row lock orders this change with the workers' claims. `enabledBefore`: a disabled
   * endpoint receives nothing, so sending to it is refused rather than left pending.
   */
  private async find(em: EntityManager, id: number, { lock, secrets, enabledBefore }: Lookup = {}) {
    const endpoint = await em.findOne(WebhookEndpoint, id, {
      ...(secrets ? { populate: ['secretEncrypted', 'previousSecretEncrypted'] } : {}),
      ...(lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {}),
    });
    if (!endpoint) throw new NotFound('Webhook', id);
    if (enabledBefore !== undefined && !endpoint.enabled)
      throw new Conflict(`Webhook ${id} is disabled; enable it before ${enabledBefore}.`);
    return endpoint;
  }

  private async checkUrl(url: string): Promise<void> {
    try {
      await checkTargetUrl(url, this.config.webhookAllowPrivateTargets);
    } catch (error) {
      if (!(error instanceof TargetRefused)) throw error;
      throw new ValidationFailed([
        { field: 'url', code: 'invalid_url', message: `url ${error.message}` },
      ]);
    }
  }

  private async view(endpoint: WebhookEndpoint): Promise<WebhookView> {
    const paused = await this.deliveries.countPaused([endpoint.id]);
    return this.map(endpoint, paused.get(endpoint.id) ?? 0);
  }

  private map(endpoint: WebhookEndpoint, pausedDeliveries: number): WebhookView {
    return {
      id: endpoint.id,
      url: endpoint.url,
      events: endpoint.events,
      description: endpoint.description,
      enabled: endpoint.enabled,
      disabledReason: endpoint.disabledReason,
      failingSince: endpoint.failingSince?.toISOString() ?? null,
      lastError: endpoint.lastError,
      pausedDeliveries,
      // An expired previous secret no longer signs anything: not worth showing.
      previousSecretExpiresAt:
        endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt.getTime() > Date.now()
          ? endpoint.previousSecretExpiresAt.toISOString()
          : null,
      createdAt: endpoint.createdAt.toISOString(),
      updatedAt: endpoint.updatedAt.toISOString(),
    };
  }
}

/** `*` covers everything; duplicates go. */
function normalizeEvents(events: string[]): string[] {
  return events.includes('*') ? ['*'] : [...new Set(events)];
}
