import { ApiProperty } from '@nestjs/swagger';
import { isoSql, reasonsJsonSql, statusSql } from './reasons.sql';
import {
  reasonsToNames,
  SUSPENSION_STATUSES,
  SuspensionReasonName,
  SuspensionStatus,
} from './suspension-reason';
import { Domain } from './domain.entity';

/** A domain as administrators, its customer and webhook consumers see it (nothing is secret). */
export class DomainView {
  @ApiProperty() id!: number;
  @ApiProperty() subscriptionId!: number;
  @ApiProperty() customerId!: number;
  @ApiProperty({ description: 'Lower-case, punycode for IDNs', example: 'xn--bcher-kva.example' })
  name!: string;
  @ApiProperty({ description: 'The name in Unicode', example: 'bücher.example' })
  unicodeName!: string;
  @ApiProperty({ enum: SUSPENSION_STATUSES }) status!: SuspensionStatus;
  @ApiProperty({ enum: ['admin', 'subscription'], isArray: true })
  suspendedReasons!: SuspensionReasonName[];
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiProperty({ format: 'uuid', description: 'Fixed at creation, for integrations' })
  guid!: string;
}

export class DomainPage {
  @ApiProperty({ type: [DomainView] }) items!: DomainView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export function toDomainView(domain: Domain): DomainView {
  return {
    id: domain.id,
    subscriptionId: domain.subscription.id,
    customerId: domain.customer.id,
    name: domain.name,
    unicodeName: domain.unicodeName,
    status: domain.status,
    suspendedReasons: reasonsToNames(domain.suspendedReasons),
    createdAt: domain.createdAt.toISOString(),
    updatedAt: domain.updatedAt.toISOString(),
    guid: domain.guid,
  };
}

/** The same view as `toDomainView`, built in SQL (see `subscriptionViewSql`). */
export function domainViewSql(alias: string, reasonsAfter: string, updatedAt: string): string {
  return `JSON_OBJECT('id', ${alias}.id, 'subscriptionId', ${alias}.subscription_id, 'customerId', ${alias}.customer_id,
    'name', ${alias}.name, 'unicodeName', ${alias}.unicode_name, 'status', ${statusSql(reasonsAfter)},
    'suspendedReasons', ${reasonsJsonSql(reasonsAfter)}, 'createdAt', ${isoSql(`${alias}.created_at`)}, 'updatedAt', ${isoSql(updatedAt)}, 'guid', ${alias}.guid)`;
}
