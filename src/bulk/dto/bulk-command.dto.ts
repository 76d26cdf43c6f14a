import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ARRAY_UNIQUE,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  Max,
  Min,
  ValidateBy,
} from 'class-validator';
import { DateTimeValue } from '../../common/date-time';
import { Optional } from '../../common/fields';
import { MAX_ID } from '../../common/parse-id.pipe';
import { SuspensionReasonField } from '../../customers/dto/customer-fields';
import { BULK_ACTIONS, BulkAction } from '../bulk-job.entity';

export const MAX_BULK_IDS = 10_000;

/**
 * class-validator's `ArrayUnique` compares every item with every other (`indexOf` in a filter):
 * 10,000 ids cost 30-40 ms of blocked event loop. A Set does it in about one; the constraint keeps
 * its name, so the answer is the same (`duplicate_items`).
 */
const DistinctIds = () =>
  ValidateBy({
    name: ARRAY_UNIQUE,
    validator: {
      validate: (value: unknown) => Array.isArray(value) && new Set(value).size === value.length,
      defaultMessage: () => 'ids must not contain duplicates',
    },
  });

export class BulkCommandDto {
  @ApiProperty({ enum: BULK_ACTIONS })
  @IsIn(BULK_ACTIONS)
  action!: BulkAction;

  @ApiProperty({
    type: 'integer',
    isArray: true,
    minItems: 1,
    maxItems: MAX_BULK_IDS,
    uniqueItems: true,
    description: 'Distinct customer ids',
  })
  @IsArray()
  @ArrayMinSize(1, { context: { limit: 1 } })
  @ArrayMaxSize(MAX_BULK_IDS, { context: { limit: MAX_BULK_IDS } })
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(MAX_ID, { each: true })
  @DistinctIds()
  ids!: number[];

  /** Only with `suspend`: stored on every customer the job suspends. */
  @Optional()
  @SuspensionReasonField()
  reason?: string | null;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    description:
      'Run the job at this time (ISO 8601, in the future, at most a year ahead) instead of at once: the job is `scheduled` until then and can be cancelled',
    example: '2027-01-01T02:00:00Z',
  })
  @IsOptional()
  @DateTimeValue() // a real instant: 2024-02-30 is refused, not rolled over to 1 March
  runAt?: Date;
}
