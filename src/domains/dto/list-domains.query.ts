import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { SUSPENSION_STATUSES, SuspensionStatus } from '../../hosting/suspension-reason';
import { IdFilter, PageQuery } from '../../common/page.query';

export class ListDomainsQuery extends PageQuery {
  @IdFilter()
  subscriptionId?: number;

  @IdFilter()
  customerId?: number;

  @ApiPropertyOptional({ enum: SUSPENSION_STATUSES })
  @IsOptional()
  @IsIn(SUSPENSION_STATUSES)
  status?: SuspensionStatus;

  @ApiPropertyOptional({ description: 'Substring of the name (punycode or Unicode)' })
  @IsOptional()
  @IsString()
  @Length(1, 253)
  q?: string;
}
