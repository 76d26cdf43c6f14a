import { ApiProperty } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  Max,
  Min,
} from 'class-validator';
import { MAX_ID } from '../../common/parse-id.pipe';
import { BULK_ACTIONS, BulkAction } from '../bulk-job.entity';

export const MAX_BULK_IDS = 10_000;

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
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BULK_IDS)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(MAX_ID, { each: true })
  @ArrayUnique({ message: 'ids must not contain duplicates' })
  ids!: number[];
}
