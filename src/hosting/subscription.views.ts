import { ApiProperty } from '@nestjs/swagger';
import { isoSql, reasonsJsonSql, statusSql } from './reasons.sql';
import {
  reasonsToNames,
  SUSPENSION_STATUSES,
  SuspensionReasonName,
  SuspensionStatus,
} from './suspension-reason';
import { Subscription } from './subscription.entity';
import { ChangedRow, readView, ViewFields, viewSql } from './view-fields';

/** A subscription as administrators, its customer and webhook consumers see it (nothing is secret). */
export class SubscriptionView {
  @ApiProperty() id!: number;
  @ApiProperty() customerId!: number;
  @ApiProperty({ description: 'The main domain, punycode' }) name!: string;
  @ApiProperty({ description: 'The main domain in Unicode' }) unicodeName!: string;
  @ApiProperty() plan!: string;
  @ApiProperty({ enum: SUSPENSION_STATUSES }) status!: SuspensionStatus;
  @ApiProperty({ enum: ['admin', 'customer', 'expired'], isArray: true })
  suspendedReasons!: SuspensionReasonName[];
  @ApiProperty({ type: String, nullable: true }) expiresAt!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

export class SubscriptionPage {
  @ApiProperty({ type: [SubscriptionView] }) items!: SubscriptionView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

const FIELDS: ViewFields<Subscription, SubscriptionView, ChangedRow> = {
  id: { read: (s) => s.id, sql: (row) => `${row.alias}.id` },
  customerId: { read: (s) => s.customer.id, sql: (row) => `${row.alias}.customer_id` },
  name: { read: (s) => s.name, sql: (row) => `${row.alias}.name` },
  unicodeName: { read: (s) => s.unicodeName, sql: (row) => `${row.alias}.unicode_name` },
  plan: { read: (s) => s.plan, sql: (row) => `${row.alias}.plan` },
  status: { read: (s) => s.status, sql: (row) => statusSql(row.reasons) },
  suspendedReasons: {
    read: (s) => reasonsToNames(s.suspendedReasons),
    sql: (row) => reasonsJsonSql(row.reasons),
  },
  expiresAt: {
    read: (s) => s.expiresAt?.toISOString() ?? null,
    sql: (row) => isoSql(`${row.alias}.expires_at`),
  },
  createdAt: {
    read: (s) => s.createdAt.toISOString(),
    sql: (row) => isoSql(`${row.alias}.created_at`),
  },
  updatedAt: { read: (s) => s.updatedAt.toISOString(), sql: (row) => isoSql(row.updatedAt) },
};

export function toSubscriptionView(subscription: Subscription): SubscriptionView {
  return readView(FIELDS, subscription);
}

/**
 * The same view as `toSubscriptionView`, built in SQL from the row `alias` with the reasons and
 * `updated_at` it will have after a change (for events written by `INSERT ... SELECT`).
 */
export function subscriptionViewSql(
  alias: string,
  reasonsAfter: string,
  updatedAt: string,
): string {
  return viewSql(FIELDS, { alias, reasons: reasonsAfter, updatedAt });
}
