import { ApiProperty } from '@nestjs/swagger';
import { DELIVERY_STATES, DeliveryState } from './delivery/delivery.entities';
import { WebhookEndpoint } from './webhook-endpoint.entity';

export class WebhookView {
  @ApiProperty() id!: number;
  @ApiProperty() url!: string;
  @ApiProperty({ type: [String] }) events!: string[];
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({
    type: String,
    nullable: true,
    enum: ['gone', 'failing'],
    description: 'Why the service disabled it: 410 Gone, or failing for 24 h',
  })
  disabledReason!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Start of the current run of failed deliveries',
  })
  failingSince!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'While failing: why (no answer, an error status, or a secret that cannot be decrypted)',
  })
  lastError!: string | null;
  @ApiProperty({
    description:
      'Deliveries kept while the endpoint is disabled: enabling it sends them in order, POST /webhooks/{id}/discard-paused drops them',
  })
  pausedDeliveries!: number;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Until then deliveries are also signed with the previous secret',
  })
  previousSecretExpiresAt!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

/** Only the answers to create and rotate-secret carry the secret; it is never shown again. */
export class WebhookWithSecretView extends WebhookView {
  @ApiProperty({
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    description: 'Shown once: store it now',
  })
  secret!: string;
}

export class WebhookPage {
  @ApiProperty({ type: [WebhookView] }) items!: WebhookView[];
}

export class WebhookDeliveryView {
  @ApiProperty() id!: number;
  @ApiProperty({ description: 'The event id, sent as the webhook-id header' }) eventId!: number;
  @ApiProperty() eventType!: string;
  @ApiProperty({ description: '1 for the first try' }) attempt!: number;
  @ApiProperty() succeeded!: boolean;
  @ApiProperty({ type: Number, nullable: true }) statusCode!: number | null;
  @ApiProperty() durationMs!: number;
  @ApiProperty({ type: String, nullable: true }) error!: string | null;
  @ApiProperty({
    enum: DELIVERY_STATES,
    nullable: true,
    description:
      'Where the delivery of this event to this endpoint stands now: pending (retries to come), paused (its endpoint is disabled), succeeded, or failed (its retries are used up)',
  })
  state!: DeliveryState | null;
  @ApiProperty() createdAt!: string;
}

export class WebhookDeliveryPage {
  @ApiProperty({ type: [WebhookDeliveryView] }) items!: WebhookDeliveryView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class DeliveriesQueued {
  @ApiProperty({ description: 'Deliveries queued to be sent again' }) queued!: number;
}

export class PausedDiscarded {
  @ApiProperty({ description: 'Paused deliveries dropped' }) discarded!: number;
}

export class PingAccepted {
  @ApiProperty({ description: 'The id of the webhook.ping event (its webhook-id header)' })
  eventId!: number;
}

export function toWebhookView(endpoint: WebhookEndpoint, pausedDeliveries: number): WebhookView {
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
    previousSecretExpiresAt:
      endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt.getTime() > Date.now()
        ? endpoint.previousSecretExpiresAt.toISOString()
        : null,
    createdAt: endpoint.createdAt.toISOString(),
    updatedAt: endpoint.updatedAt.toISOString(),
  };
}
