import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly, Auth } from '../auth/auth.decorators';
import { Principal } from '../auth/principal';
import { Page } from '../common/cursor';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { BulkJobPage, BulkJobSummaryView, BulkJobView } from './bulk-job.views';
import { BulkJobCancellation } from './bulk-job-cancellation';
import { BulkJobsService } from './bulk-jobs.service';
import { GetJobQuery } from './dto/get-job.query';
import { ListJobsQuery } from './dto/list-jobs.query';

@ApiTags('jobs')
@ApiBearerAuth()
@AdminOnly()
@Controller('jobs')
export class JobsController {
  constructor(
    private readonly jobs: BulkJobsService,
    private readonly cancellation: BulkJobCancellation,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Bulk jobs, newest first (keyset pagination; without per-id results)' })
  @ApiOkResponse({ type: BulkJobPage })
  list(@Auth() auth: Principal, @Query() query: ListJobsQuery): Promise<Page<BulkJobSummaryView>> {
    return this.jobs.list(auth, query);
  }

  @Get(':id')
  @ApiOperation({
    summary: 'One bulk job with its progress and the outcome of every id processed so far',
    description:
      'With `results=false` the per-id outcomes are left out (`results` is then absent): for polling progress.',
  })
  @ApiOkResponse({ type: BulkJobView })
  get(
    @Auth() auth: Principal,
    @Param('id', ParseIdPipe) id: number,
    @Query() query: GetJobQuery,
  ): Promise<BulkJobView | BulkJobSummaryView> {
    return this.jobs.get(auth, id, query.results);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Cancel a scheduled or queued job: it becomes `cancelled` and never runs',
    description:
      'Cancelling a cancelled job answers it again; a job that has started (running, completed or failed) is 409.',
  })
  @ApiOkResponse({ type: BulkJobSummaryView })
  cancel(
    @Auth() auth: Principal,
    @Param('id', ParseIdPipe) id: number,
  ): Promise<BulkJobSummaryView> {
    return this.cancellation.cancel(auth, id);
  }
}
