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
  ValidateIf,
} from 'class-validator';

/** Optional, but not nullable: `null` is refused rather than taken for "unchanged". */
const IfPresent = () => ValidateIf((_object, value) => value !== undefined);
import { EVENT_TYPES } from '../../events/event-types';
import { DELIVERY_STATES, DeliveryState } from '../delivery/delivery.entities';

const SUBSCRIBABLE_EVENT_TYPES: readonly string[] = [...EVENT_TYPES, '*'];
import { DateTimeValue } from '../../common/date-time';
import { PageQuery } from '../../common/page.query';

export class CreateWebhookDto {
  @ApiProperty({
    example: 'https://node1.example.com/hooks/clientele',
    description: 'http or https; must not resolve to an internal address',
  })
  @IsString()
  @Length(1, 2048)
  url!: string;

  @ApiProperty({
    type: [String],
    example: ['customer.suspended', 'customer.activated'],
    description: 'Event types, or ["*"] for all',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsIn(SUBSCRIBABLE_EVENT_TYPES, {
    each: true,
    message: `each value in events must be one of: ${SUBSCRIBABLE_EVENT_TYPES.join(', ')}`,
  })
  events!: string[];

  @ApiPropertyOptional({ maxLength: 255 })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  description?: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class UpdateWebhookDto {
  @ApiPropertyOptional()
  @IfPresent()
  @IsString()
  @Length(1, 2048)
  url?: string;

  @ApiPropertyOptional({ type: [String] })
  @IfPresent()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsIn(SUBSCRIBABLE_EVENT_TYPES, {
    each: true,
    message: `each value in events must be one of: ${SUBSCRIBABLE_EVENT_TYPES.join(', ')}`,
  })
  events?: string[];

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 255 })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  description?: string;

  @ApiPropertyOptional({ description: 'Re-enabling also forgets why it was disabled' })
  @IfPresent()
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

const MAX_RESEND_EVENTS = 1000;

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
  @ApiProperty({
    type: String,
    format: 'date-time',
    example: '2026-11-30T08:00:00Z',
    description: 'Start of the window (ISO 8601), by the time the event happened',
  })
  @DateTimeValue()
  since!: Date;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    example: '2026-11-30T12:00:00Z',
    description: 'End of the window (ISO 8601); now when left out',
  })
  @IsOptional()
  @DateTimeValue()
  until?: Date;
}
