import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { MAX_ID } from '../../common/parse-id.pipe';

export const AUDIT_OBJECT_TYPES = ['customer', 'subscription', 'domain', 'job', 'webhook'] as const;
export type AuditObjectType = (typeof AUDIT_OBJECT_TYPES)[number];

export class ListAuditQuery {
  @ApiPropertyOptional({ enum: AUDIT_OBJECT_TYPES })
  @IsOptional()
  @IsIn(AUDIT_OBJECT_TYPES)
  objectType?: AuditObjectType;

  @ApiPropertyOptional({ description: 'Needs objectType' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  objectId?: number;

  @ApiPropertyOptional({ description: 'Everything about one customer and what it owns' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  customerId?: number;

  @ApiPropertyOptional({ description: '`admin:<id>`, `customer:<id>` or `system`', example: 'admin:1' })
  @IsOptional()
  @IsString()
  @Matches(/^(?:(?:admin|customer):\d{1,10}|system)$/, { message: 'actor must be admin:<id>, customer:<id> or system' })
  actor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit: number = 50;

  @ApiPropertyOptional({ description: 'The `nextCursor` of the previous page' })
  @IsOptional()
  @IsString()
  @Length(1, 512)
  cursor?: string;
}
