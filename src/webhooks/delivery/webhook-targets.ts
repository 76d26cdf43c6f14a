import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/mysql';
import { fromSqlDate } from '../../common/sql-dates';
import { GroupBatcher } from './group-batcher';
import { SecretBox } from '../secret-box';

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
  eventIds: string[];
}

/** An endpoint and which of the asked events it already answered with a 2xx. */
export interface BatchTarget {
  target: DeliveryTarget;
  delivered: Set<string>;
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

/**
 * Reads delivery targets for all concurrent deliveries (single events and batches alike) in two
 * queries per group: the endpoints, and which of the events they already got.
 */
@Injectable()
export class WebhookTargets {
  private readonly batcher = new GroupBatcher<Lookup, BatchTarget | null>((lookups) =>
    this.loadMany(lookups),
  );

  constructor(
    private readonly em: EntityManager,
    private readonly secrets: SecretBox,
  ) {}

  async load(endpointId: number, eventId: string): Promise<DeliveryTarget | null> {
    const loaded = await this.batcher.add({ endpointId, eventIds: [eventId] });
    return loaded && { ...loaded.target, alreadyDelivered: loaded.delivered.has(eventId) };
  }

  /** The endpoint of a batch, and which of the batch's events it already answered with a 2xx. Null when the endpoint is gone. */
  loadForBatch(endpointId: number, eventIds: string[]): Promise<BatchTarget | null> {
    return this.batcher.add({ endpointId, eventIds });
  }

  private async loadMany(lookups: Lookup[]): Promise<Array<BatchTarget | null>> {
    const connection = this.em.getConnection();
    const endpointIds = [...new Set(lookups.map((l) => l.endpointId))];
    const eventIds = [...new Set(lookups.flatMap((l) => l.eventIds))];
    const [endpoints, delivered] = await Promise.all([
      connection.execute<EndpointRow[]>(
        `${SELECT_ENDPOINTS} WHERE id IN (${endpointIds.map(() => '?').join(',')})`,
        endpointIds,
      ),
      connection.execute<Array<{ endpoint_id: number; event_id: string | number }>>(
        `SELECT endpoint_id, event_id FROM webhook_delivery
          WHERE endpoint_id IN (${endpointIds.map(() => '?').join(',')}) AND event_id IN (${eventIds.map(() => '?').join(',')}) AND succeeded = 1`,
        [...endpointIds, ...eventIds],
      ),
    ]);
    const byId = new Map(endpoints.map((row) => [Number(row.id), this.toTarget(row)]));
    const done = new Map<number, Set<string>>();
    for (const row of delivered) {
      const endpointId = Number(row.endpoint_id);
      const ids = done.get(endpointId) ?? new Set<string>();
      ids.add(String(row.event_id));
      done.set(endpointId, ids);
    }
    return lookups.map(({ endpointId }) => {
      const target = byId.get(endpointId);
      return target ? { target, delivered: done.get(endpointId) ?? new Set<string>() } : null;
    });
  }

  private toTarget(row: EndpointRow): DeliveryTarget {
    const previousUntil = fromSqlDate(row.previous_until);
    const secrets = [this.secrets.open(row.secret)];
    if (row.previous && previousUntil && previousUntil.getTime() > Date.now())
      secrets.push(this.secrets.open(row.previous));
    return {
      url: row.url,
      events: typeof row.events === 'string' ? (JSON.parse(row.events) as string[]) : row.events,
      enabled: Boolean(Number(row.enabled)),
      secrets,
      failingSince: fromSqlDate(row.failing_since),
      alreadyDelivered: false,
    };
  }
}
