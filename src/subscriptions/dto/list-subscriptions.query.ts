import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { SUSPENSION_STATUSES, SuspensionStatus } from '../../hosting/suspension-reason';
import { IdFilter, PageQuery } from '../../common/page.query';

export class ListSubscriptionsQuery extends PageQuery {
  @IdFilter()
  customerId?: number;

  @ApiPropertyOptional({ enum: SUSPENSION_STATUSES })
  @IsOptional()
  @IsIn(SUSPENSION_STATUSES)
  status?: SuspensionStatus;
}
