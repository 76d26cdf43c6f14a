import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/mysql';
import { fromSqlDate } from '../../common/sql-dates';
import { GroupBatcher } from './group-batcher';
import { SecretBox } from '../secret-box';

/** An endpoint as a delivery needs it, right now. */
export interface DeliveryTarget {
  url: string;
  enabled: boolean;
  /** The current secret, and the previous one while a rotation's overlap lasts. */
  secrets: string[];
  failingSince: Date | null;
}

interface EndpointRow {
  id: number;
  url: string;
  enabled: number;
  secret: string;
  previous: string | null;
  previous_until: Date | string | null;
  failing_since: Date | string | null;
}

const SELECT_ENDPOINTS = `SELECT id, url, enabled, secret_encrypted AS secret, previous_secret_encrypted AS previous,
       previous_secret_expires_at AS previous_until, failing_since FROM webhook_endpoint`;

/** Reads the endpoints of all concurrent deliveries in one query per group. */
@Injectable()
export class WebhookTargets {
  private readonly batcher = new GroupBatcher<number, DeliveryTarget | null>((endpointIds) =>
    this.loadMany(endpointIds),
  );

  constructor(
    private readonly em: EntityManager,
    private readonly secrets: SecretBox,
  ) {}

  /** Null when the endpoint is gone. */
  load(endpointId: number): Promise<DeliveryTarget | null> {
    return this.batcher.add(endpointId);
  }

  private async loadMany(endpointIds: number[]): Promise<Array<DeliveryTarget | null>> {
    const distinct = [...new Set(endpointIds)];
    const rows = await this.em
      .getConnection()
      .execute<EndpointRow[]>(
        `${SELECT_ENDPOINTS} WHERE id IN (${distinct.map(() => '?').join(',')})`,
        distinct,
      );
    const byId = new Map(rows.map((row) => [Number(row.id), this.toTarget(row)]));
    return endpointIds.map((id) => byId.get(id) ?? null);
  }

  private toTarget(row: EndpointRow): DeliveryTarget {
    const previousUntil = fromSqlDate(row.previous_until);
    const secrets = [this.secrets.open(row.secret)];
    if (row.previous && previousUntil && previousUntil.getTime() > Date.now())
      secrets.push(this.secrets.open(row.previous));
    return {
      url: row.url,
      enabled: Boolean(Number(row.enabled)),
      secrets,
      failingSince: fromSqlDate(row.failing_since),
    };
  }
}
