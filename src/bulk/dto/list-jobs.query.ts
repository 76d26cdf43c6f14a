import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQuery } from '../../common/page.query';
import { BULK_JOB_STATES, BulkJobState } from '../bulk-job.entity';

export class ListJobsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: BULK_JOB_STATES, description: '`scheduled`: the planned jobs' })
  @IsOptional()
  @IsIn(BULK_JOB_STATES)
  state?: BulkJobState;
}
