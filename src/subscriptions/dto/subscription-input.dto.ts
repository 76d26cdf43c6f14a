import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsString, Length, Max, MaxDate, Min, MinDate, ValidateIf } from 'class-validator';
import { Optional, TextField, WhenPresent } from '../../common/fields';
import { MAX_ID } from '../../common/parse-id.pipe';
import { DateTimeValue } from '../../common/date-time';

/** What a DATETIME column holds. */
const EARLIEST = new Date('1970-01-01T00:00:00Z');
const LATEST = new Date('9999-12-31T23:59:59Z');

export class CreateSubscriptionDto {
  @ApiProperty({
    type: 'integer',
    minimum: 1,
    description: 'The customer that gets the subscription',
  })
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  customerId!: number;

  @ApiProperty({
    description: 'The main domain (Unicode or punycode); the subscription creates it',
    example: 'example.com',
  })
  @IsString()
  @Length(1, 1012)
  name!: string;

  @TextField({ min: 1, max: 100, api: { description: 'Service plan name', example: 'Unlimited' } })
  plan!: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  @Optional()
  @MinDate(EARLIEST)
  @MaxDate(LATEST)
  @DateTimeValue() // lowest: decorators apply bottom-up, so this is checked (and reported) first
  expiresAt?: Date | null;
}

export class UpdateSubscriptionDto {
  @WhenPresent()
  @TextField({ min: 1, max: 100, api: { required: false } })
  plan?: string;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    nullable: true,
    description: '`null` clears it (and lifts the `expired` reason)',
  })
  @ValidateIf((_: object, value: unknown) => value !== undefined && value !== null)
  @MinDate(EARLIEST)
  @MaxDate(LATEST)
  @DateTimeValue() // lowest: decorators apply bottom-up, so this is checked (and reported) first
  expiresAt?: Date | null;
}
