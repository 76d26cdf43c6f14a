import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { IdFilter, PageQuery } from '../../common/page.query';

export const AUDIT_OBJECT_TYPES = ['customer', 'subscription', 'domain', 'job', 'webhook'] as const;
export type AuditObjectType = (typeof AUDIT_OBJECT_TYPES)[number];

export class ListAuditQuery extends PageQuery {
  @ApiPropertyOptional({ enum: AUDIT_OBJECT_TYPES })
  @IsOptional()
  @IsIn(AUDIT_OBJECT_TYPES)
  objectType?: AuditObjectType;

  @IdFilter('Needs objectType')
  objectId?: number;

  @IdFilter('Everything about one customer and what it owns')
  customerId?: number;

  @ApiPropertyOptional({
    description: '`admin:<id>`, `customer:<id>`, `apikey:<id>` or `system`',
    example: 'admin:1',
  })
  @IsOptional()
  @IsString()
  @Matches(/^(?:(?:admin|customer|apikey):\d{1,10}|system)$/, {
    message: 'actor must be admin:<id>, customer:<id>, apikey:<id> or system',
  })
  actor?: string;
}
