import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/mysql';
import { fromSqlDate } from '../common/sql-dates';
import { GroupBatcher } from './group-batcher';
import { SecretBox } from './secret-box';

/** An endpoint as a delivery needs it, right now. */
export interface DeliveryTarget {
  url: string;
  events: string[];
  enabled: boolean;
  /** The current secret, and the previous one while a rotation's overlap lasts. */
  secrets: string[];
  failingSince: Date | null;
  /** This event already got a 2xx from this endpoint (a re-relayed event must not be sent again). */
  alreadyDelivered: boolean;
}

interface Lookup {
  endpointId: number;
  eventId: string;
}

interface EndpointRow {
  id: number;
  url: string;
  events: string | string[];
  enabled: number;
  secret: string;
  previous: string | null;
  previous_until: Date | string | null;
  failing_since: Date | string | null;
}

const SELECT_ENDPOINTS = `SELECT id, url, events, enabled, secret_encrypted AS secret, previous_secret_encrypted AS previous,
       previous_secret_expires_at AS previous_until, failing_since FROM webhook_endpoint`;

/** Reads delivery targets for all concurrent deliveries in two queries per batch. */
@Injectable()
export class WebhookTargets {
  private readonly batcher = new GroupBatcher<Lookup, DeliveryTarget | null>((lookups) => this.loadMany(lookups));

  constructor(
    private readonly em: EntityManager,
    private readonly secrets: SecretBox,
  ) {}

  load(endpointId: number, eventId: string): Promise<DeliveryTarget | null> {
    return this.batcher.add({ endpointId, eventId });
  }

  /**
   * The endpoint of a batch, and which of the batch's events it already answered with a 2xx: two
   * queries for the whole batch. Null when the endpoint is gone.
   */
  async loadForBatch(endpointId: number, eventIds: string[]): Promise<{ target: DeliveryTarget; delivered: Set<string> } | null> {
    const connection = this.em.getConnection();
    const [endpoints, delivered] = await Promise.all([
      connection.execute<EndpointRow[]>(`${SELECT_ENDPOINTS} WHERE id = ?`, [endpointId]),
      connection.execute<Array<{ event_id: string | number }>>(
        `SELECT event_id FROM webhook_delivery WHERE endpoint_id = ? AND event_id IN (${eventIds.map(() => '?').join(',')}) AND succeeded = 1`,
        [endpointId, ...eventIds],
      ),
    ]);
    if (endpoints.length === 0) return null;
    return { target: this.toTarget(endpoints[0], false), delivered: new Set(delivered.map((row) => String(row.event_id))) };
  }

  private async loadMany(lookups: Lookup[]): Promise<Array<DeliveryTarget | null>> {
    const connection = this.em.getConnection();
    const endpointIds = [...new Set(lookups.map((l) => l.endpointId))];
    const eventIds = [...new Set(lookups.map((l) => l.eventId))];
    const [endpoints, delivered] = await Promise.all([
      connection.execute<EndpointRow[]>(`${SELECT_ENDPOINTS} WHERE id IN (${endpointIds.map(() => '?').join(',')})`, endpointIds),
      connection.execute<Array<{ endpoint_id: number; event_id: string | number }>>(
        `SELECT endpoint_id, event_id FROM webhook_delivery
          WHERE endpoint_id IN (${endpointIds.map(() => '?').join(',')}) AND event_id IN (${eventIds.map(() => '?').join(',')}) AND succeeded = 1`,
        [...endpointIds, ...eventIds],
      ),
    ]);
    const byId = new Map(endpoints.map((row) => [Number(row.id), row]));
    const done = new Set(delivered.map((row) => `${row.endpoint_id}-${row.event_id}`));
    return lookups.map(({ endpointId, eventId }) => {
      const row = byId.get(endpointId);
      return row ? this.toTarget(row, done.has(`${endpointId}-${eventId}`)) : null;
    });
  }

  private toTarget(row: EndpointRow, alreadyDelivered: boolean): DeliveryTarget {
    const previousUntil = fromSqlDate(row.previous_until);
    const secrets = [this.secrets.open(row.secret)];
    if (row.previous && previousUntil && previousUntil.getTime() > Date.now()) secrets.push(this.secrets.open(row.previous));
    return {
      url: row.url,
      events: typeof row.events === 'string' ? (JSON.parse(row.events) as string[]) : row.events,
      enabled: Boolean(Number(row.enabled)),
      secrets,
      failingSince: fromSqlDate(row.failing_since),
      alreadyDelivered,
    };
  }
}
