import { ApiProperty } from '@nestjs/swagger';
import { isoSql, reasonsJsonSql, statusSql } from './reasons.sql';
import {
  reasonsToNames,
  SUSPENSION_STATUSES,
  SuspensionReasonName,
  SuspensionStatus,
} from './suspension-reason';
import { Domain } from './domain.entity';
import { ChangedRow, readView, ViewFields, viewSql } from './view-fields';

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

const FIELDS: ViewFields<Domain, DomainView, ChangedRow> = {
  id: { read: (d) => d.id, sql: (row) => `${row.alias}.id` },
  subscriptionId: { read: (d) => d.subscription.id, sql: (row) => `${row.alias}.subscription_id` },
  customerId: { read: (d) => d.customer.id, sql: (row) => `${row.alias}.customer_id` },
  name: { read: (d) => d.name, sql: (row) => `${row.alias}.name` },
  unicodeName: { read: (d) => d.unicodeName, sql: (row) => `${row.alias}.unicode_name` },
  status: { read: (d) => d.status, sql: (row) => statusSql(row.reasons) },
  suspendedReasons: {
    read: (d) => reasonsToNames(d.suspendedReasons),
    sql: (row) => reasonsJsonSql(row.reasons),
  },
  createdAt: {
    read: (d) => d.createdAt.toISOString(),
    sql: (row) => isoSql(`${row.alias}.created_at`),
  },
  updatedAt: { read: (d) => d.updatedAt.toISOString(), sql: (row) => isoSql(row.updatedAt) },
  guid: { read: (d) => d.guid, sql: (row) => `${row.alias}.guid` },
};

export function toDomainView(domain: Domain): DomainView {
  return readView(FIELDS, domain);
}

/** The same view as `toDomainView`, built in SQL (see `subscriptionViewSql`). */
export function domainViewSql(alias: string, reasonsAfter: string, updatedAt: string): string {
  return viewSql(FIELDS, { alias, reasons: reasonsAfter, updatedAt });
}
