import { ApiExtraModels, ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { Customer, CUSTOMER_STATUSES, CustomerStatus } from './customer.entity';

/** What a customer sees of its own account: never `description`, never `externalId`. */
export class CustomerAccountView {
  @ApiProperty() id!: number;
  @ApiProperty() username!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: String, nullable: true }) company!: string | null;
  @ApiProperty() email!: string;
  @ApiProperty({ type: String, nullable: true }) phone!: string | null;
  @ApiProperty({ type: String, nullable: true }) fax!: string | null;
  @ApiProperty({ type: String, nullable: true }) address!: string | null;
  @ApiProperty({ type: String, nullable: true }) city!: string | null;
  @ApiProperty({ type: String, nullable: true }) state!: string | null;
  @ApiProperty({ type: String, nullable: true }) postalCode!: string | null;
  @ApiProperty({ type: String, nullable: true }) country!: string | null;
  @ApiProperty() locale!: string;
  @ApiProperty({ type: String, nullable: true }) additionalInfo!: string | null;
  @ApiProperty({ enum: CUSTOMER_STATUSES }) status!: CustomerStatus;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

/** Why, since when and by whom a customer is suspended: staff only, never shown to the customer. */
export class CustomerSuspensionView {
  @ApiProperty({ type: String, nullable: true, maxLength: 255 }) reason!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) suspendedAt!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: '`admin:<id>`, `apikey:<id>` or `job:<id>` (a scheduled bulk job)',
    example: 'admin:1',
  })
  suspendedBy!: string | null;
}

/** The JSON null in OpenAPI 3.0, which has no `null` type: a nullable type whose only value is null. */
const NULL_ONLY = { type: 'object', nullable: true, enum: [null] };

/** What administrators (and webhook consumers) see. */
@ApiExtraModels(CustomerSuspensionView)
export class CustomerAdminView extends CustomerAccountView {
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  @ApiProperty({ type: String, nullable: true }) externalId!: string | null;
  // OpenAPI 3.0 ignores `nullable` beside a `$ref` or `allOf`, so the null is its own alternative.
  @ApiProperty({
    description: 'Set while the customer is suspended, null while it is active',
    anyOf: [{ $ref: getSchemaPath(CustomerSuspensionView) }, NULL_ONLY],
  })
  suspension!: CustomerSuspensionView | null;
  @ApiProperty({ format: 'uuid', description: 'Fixed at creation, for integrations' })
  guid!: string;
  @ApiProperty({ description: 'Optimistic lock: send as If-Match to edit' }) version!: number;
}

export class CustomerCounts {
  @ApiProperty() subscriptions!: number;
  @ApiProperty() domains!: number;
}

export class CustomerDetailView extends CustomerAdminView {
  @ApiProperty({ type: CustomerCounts }) counts!: CustomerCounts;
}

export class CustomerPage {
  @ApiProperty({ type: [CustomerDetailView] }) items!: CustomerDetailView[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last page',
  })
  nextCursor!: string | null;
}

export function toAccountView(customer: Customer): CustomerAccountView {
  return {
    id: customer.id,
    username: customer.username,
    name: customer.name,
    company: customer.company,
    email: customer.email,
    phone: customer.phone,
    fax: customer.fax,
    address: customer.address,
    city: customer.city,
    state: customer.state,
    postalCode: customer.postalCode,
    country: customer.country,
    locale: customer.locale,
    additionalInfo: customer.additionalInfo,
    status: customer.status,
    createdAt: customer.createdAt.toISOString(),
    updatedAt: customer.updatedAt.toISOString(),
  };
}

export function toAdminView(customer: Customer): CustomerAdminView {
  return {
    ...toAccountView(customer),
    description: customer.description,
    externalId: customer.externalId,
    suspension: toSuspensionView(customer),
    guid: customer.guid,
    version: customer.version,
  };
}

export function toSuspensionView(customer: Customer): CustomerSuspensionView | null {
  if (customer.status !== 'suspended') return null;
  return {
    reason: customer.suspensionReason,
    suspendedAt: customer.suspendedAt?.toISOString() ?? null,
    suspendedBy: customer.suspendedBy,
  };
}

export function toDetailView(customer: Customer, counts: CustomerCounts): CustomerDetailView {
  return { ...toAdminView(customer), counts };
}
