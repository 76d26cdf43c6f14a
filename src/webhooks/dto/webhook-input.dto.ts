import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { DateTimeValue } from '../../common/date-time';
import { WhenPresent } from '../../common/fields';
import { PageQuery } from '../../common/page.query';
import { EVENT_TYPES } from '../../events/event-types';
import { DELIVERY_STATES, DeliveryState } from '../delivery/delivery.entities';

const SUBSCRIBABLE_EVENT_TYPES: readonly string[] = [...EVENT_TYPES, '*'];
const MAX_RESEND_EVENTS = 1000;

// Checks inside applyDecorators run top-down (stacked ones bottom-up). With stopAtFirstError a
// field reports only its first failure, so this order is part of the API's answers.

const WebhookUrl = () =>
  applyDecorators(
    ApiProperty({
      example: 'https://node1.example.com/hooks/clientele',
      description: 'http or https; must not resolve to an internal address',
    }),
    Length(1, 2048),
    IsString(),
  );

const SubscribedEvents = () =>
  applyDecorators(
    ApiProperty({
      type: [String],
      example: ['customer.suspended', 'customer.activated'],
      description: 'Event types, or ["*"] for all',
    }),
    IsIn(SUBSCRIBABLE_EVENT_TYPES, {
      each: true,
      message: `each value in events must be one of: ${SUBSCRIBABLE_EVENT_TYPES.join(', ')}`,
    }),
    ArrayMaxSize(50),
    ArrayMinSize(1),
    IsArray(),
  );

const WindowEdge = (example: string, description: string) =>
  applyDecorators(
    ApiProperty({ type: String, format: 'date-time', example, description }),
    DateTimeValue(),
  );

const Description = () => applyDecorators(MaxLength(255), IsString(), IsOptional());

export class CreateWebhookDto {
  @WebhookUrl()
  url!: string;

  @SubscribedEvents()
  events!: string[];

  @ApiPropertyOptional({ maxLength: 255 })
  @Description()
  description?: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

/** Absent fields stay unchanged; `null` is refused, except for description, which it clears. */
export class UpdateWebhookDto {
  @WhenPresent()
  @WebhookUrl()
  url?: string;

  @WhenPresent()
  @SubscribedEvents()
  events?: string[];

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 255 })
  @Description()
  description?: string;

  @WhenPresent()
  @ApiProperty({ description: 'Re-enabling also forgets why it was disabled' })
  @IsBoolean()
  enabled?: boolean;
}

export class ListDeliveriesQuery extends PageQuery {
  @ApiPropertyOptional({
    enum: DELIVERY_STATES,
    description: 'Only attempts of deliveries now in this state',
  })
  @IsOptional()
  @IsIn(DELIVERY_STATES)
  state?: DeliveryState;
}

export class ResendEventsDto {
  @ApiProperty({
    type: [Number],
    minItems: 1,
    maxItems: MAX_RESEND_EVENTS,
    uniqueItems: true,
    example: [4711, 4712],
    description: 'Event ids (the webhook-id header of their deliveries)',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_RESEND_EVENTS)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(Number.MAX_SAFE_INTEGER, { each: true })
  @ArrayUnique({ message: 'eventIds must not contain duplicates' })
  eventIds!: number[];
}

export class RecoverEventsDto {
  @WindowEdge('2026-11-30T08:00:00Z', 'Start of the window (ISO 8601), by when the event happened')
  since!: Date;

  @ApiPropertyOptional()
  @IsOptional()
  @WindowEdge('2026-11-30T12:00:00Z', 'End of the window (ISO 8601); now when left out')
  until?: Date;
}
