import { ApiProperty } from '@nestjs/swagger';
import { DELIVERY_STATES, DeliveryState } from './delivery/delivery.entities';

const NullableString = (description?: string) =>
  ApiProperty({ type: String, nullable: true, description });

export class WebhookView {
  @ApiProperty() id!: number;
  @ApiProperty() url!: string;
  @ApiProperty({ type: [String] }) events!: string[];
  @NullableString() description!: string | null;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({
    type: String,
    nullable: true,
    enum: ['gone', 'failing'],
    description: 'Why the service disabled it: 410 Gone, or failing for 24 h',
  })
  disabledReason!: string | null;
  @NullableString('Start of the current run of failed deliveries') failingSince!: string | null;
  @NullableString('While failing: why (no answer, an error status, or an unreadable secret)')
  lastError!: string | null;
  @ApiProperty({
    description:
      'Deliveries kept while the endpoint is disabled: enabling it sends them in order, POST /webhooks/{id}/discard-paused drops them',
  })
  pausedDeliveries!: number;
  @NullableString('Until then deliveries are also signed with the previous secret')
  previousSecretExpiresAt!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

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
  @NullableString() error!: string | null;
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
  @NullableString() nextCursor!: string | null;
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
