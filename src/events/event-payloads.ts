import { ApiProperty } from '@nestjs/swagger';
import { CustomerAdminView } from '../hosting/customer.views';
import { DomainView } from '../hosting/domain.views';
import { SubscriptionView } from '../hosting/subscription.views';
import { REASON_NAMES, SuspensionReasonName } from '../hosting/suspension-reason';

/**
 * What each event carries besides its envelope: the stored `payload` of an outbox row. Each class
 * is the one definition of its payload: the writer's TypeScript type, and (through its
 * `@ApiProperty` metadata) the JSON Schema in the event catalog and the OpenAPI document.
 * Objects appear as the API shows them to administrators (never a password hash).
 */

const REASONS = REASON_NAMES.map(([, name]) => name);

export class CustomerEventData {
  @ApiProperty({ type: () => CustomerAdminView }) customer!: CustomerAdminView;
}

export class CustomerUpdatedData extends CustomerEventData {
  @ApiProperty({
    type: [String],
    description: 'The fields that changed (`password` when it did; never its value)',
  })
  changes!: string[];
}

export class CustomerStatusData extends CustomerEventData {
  @ApiProperty({ enum: REASONS, isArray: true, description: '`["admin"]` while suspended' })
  reasonsBefore!: SuspensionReasonName[];
  @ApiProperty({ enum: REASONS, isArray: true }) reasonsAfter!: SuspensionReasonName[];
}

/** `customer.suspended` also says why: staff-only, like the customer's `description`. */
export class CustomerSuspendedData extends CustomerStatusData {
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Why it was suspended (0-255 characters, staff-only); null when none was given',
  })
  reason!: string | null;
}

/** A subscription a removed customer owned, with the names of its domains. */
export class RemovedSubscription {
  @ApiProperty() id!: number;
  @ApiProperty() name!: string;
  @ApiProperty() plan!: string;
  @ApiProperty({ type: [String], description: 'Domain names (punycode)' }) domains!: string[];
}

export class CustomerDeletedData extends CustomerEventData {
  @ApiProperty({ type: [RemovedSubscription], description: 'Everything removed with it' })
  subscriptions!: RemovedSubscription[];
}

export class SubscriptionEventData {
  @ApiProperty({ type: () => SubscriptionView }) subscription!: SubscriptionView;
}

export class SubscriptionUpdatedData extends SubscriptionEventData {
  @ApiProperty({ enum: ['plan', 'expiresAt'], isArray: true }) changes!: string[];
}

export class SubscriptionStatusData extends SubscriptionEventData {
  @ApiProperty({ enum: REASONS, isArray: true }) reasonsBefore!: SuspensionReasonName[];
  @ApiProperty({ enum: REASONS, isArray: true }) reasonsAfter!: SuspensionReasonName[];
}

export class SubscriptionDeletedData extends SubscriptionEventData {
  @ApiProperty({ type: [String], description: 'Names of the domains removed with it' })
  domains!: string[];
}

export class DomainEventData {
  @ApiProperty({ type: () => DomainView }) domain!: DomainView;
}

export class DomainStatusData extends DomainEventData {
  @ApiProperty({ enum: REASONS, isArray: true }) reasonsBefore!: SuspensionReasonName[];
  @ApiProperty({ enum: REASONS, isArray: true }) reasonsAfter!: SuspensionReasonName[];
}

/**
 * `job` is the bulk job as `GET /jobs/{id}` shows it without its results. Its view lives with the
 * bulk jobs (a feature this layer does not import), so the catalog is given it (`describeEvents`).
 */
export class JobCompletedData {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The bulk job, without its per-id results',
  })
  job!: object;
}

export class WebhookReference {
  @ApiProperty() id!: number;
  @ApiProperty() url!: string;
}

export class WebhookPingData {
  @ApiProperty({ type: WebhookReference }) webhook!: WebhookReference;
}

export class DisabledWebhook extends WebhookReference {
  @ApiProperty({ enum: ['gone', 'failing'], description: '410 Gone, or failing for 24 h' })
  reason!: 'gone' | 'failing';
}

export class WebhookDisabledData {
  @ApiProperty({ type: DisabledWebhook }) webhook!: DisabledWebhook;
}

export class DiscardedDeliveries extends WebhookReference {
  @ApiProperty({ description: 'Paused deliveries dropped' }) discarded!: number;
}

export class WebhookPausedDiscardedData {
  @ApiProperty({ type: DiscardedDeliveries }) webhook!: DiscardedDeliveries;
}
