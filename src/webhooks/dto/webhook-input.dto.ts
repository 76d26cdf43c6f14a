import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Length,
  MaxLength,
  ValidateIf,
} from 'class-validator';

/** Optional, but not nullable: `null` is refused rather than taken for "unchanged". */
const IfPresent = () => ValidateIf((_object, value) => value !== undefined);
import { SUBSCRIBABLE_EVENT_TYPES } from '../delivery/webhook-delivery.queue';
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

export class ListDeliveriesQuery extends PageQuery {}
