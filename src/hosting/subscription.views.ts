import { ApiProperty } from '@nestjs/swagger';
import { isoSql, reasonsJsonSql, statusSql } from './reasons.sql';
import {
  reasonsToNames,
  SUSPENSION_STATUSES,
  SuspensionReasonName,
  SuspensionStatus,
} from './suspension-reason';
import { Subscription } from './subscription.entity';

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

export function toSubscriptionView(subscription: Subscription): SubscriptionView {
  return {
    id: subscription.id,
    customerId: subscription.customer.id,
    name: subscription.name,
    unicodeName: subscription.unicodeName,
    plan: subscription.plan,
    status: subscription.status,
    suspendedReasons: reasonsToNames(subscription.suspendedReasons),
    expiresAt: subscription.expiresAt?.toISOString() ?? null,
    createdAt: subscription.createdAt.toISOString(),
    updatedAt: subscription.updatedAt.toISOString(),
  };
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
  return `JSON_OBJECT('id', ${alias}.id, 'customerId', ${alias}.customer_id, 'name', ${alias}.name, 'unicodeName', ${alias}.unicode_name,
    'plan', ${alias}.plan, 'status', ${statusSql(reasonsAfter)}, 'suspendedReasons', ${reasonsJsonSql(reasonsAfter)},
    'expiresAt', ${isoSql(`${alias}.expires_at`)}, 'createdAt', ${isoSql(`${alias}.created_at`)}, 'updatedAt', ${isoSql(updatedAt)})`;
}
