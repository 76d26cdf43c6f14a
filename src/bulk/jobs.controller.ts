import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { ApiProblems } from '../common/api-problems';
import { BulkJobCancellation } from './bulk-job-cancellation';
import { AdminOnly, Auth } from '../auth/auth.decorators';
import { Principal } from '../auth/principal';
import { Page } from '../common/cursor';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { BulkJobPage, BulkJobSummaryView, BulkJobView } from './bulk-job.views';
import { BulkJobsService } from './bulk-jobs.service';
import { GetJobQuery } from './dto/get-job.query';
import { ListJobsQuery } from './dto/list-jobs.query';

@ApiTags('jobs')
@ApiBearerAuth()
@ApiProblems(401, 403, 503)
@AdminOnly()
@Controller('jobs')
export class JobsController {
  constructor(
    private readonly jobs: BulkJobsService,
    private readonly cancellation: BulkJobCancellation,
  ) {}

  @Get()
  @ApiProblems(400)
  @ApiOperation({ summary: 'Bulk jobs, newest first (keyset pagination; without per-id results)' })
  @ApiOkResponse({ type: BulkJobPage })
  list(@Query() query: ListJobsQuery): Promise<Page<BulkJobSummaryView>> {
    return this.jobs.list(query);
  }

  @Get(':id')
  @ApiProblems(400, 404)
  @ApiOperation({
    summary: 'One bulk job with its progress and the outcome of every id processed so far',
    description:
      'With `results=false` the per-id outcomes are left out (`results` is then absent): for polling progress.',
  })
  @ApiExtraModels(BulkJobView, BulkJobSummaryView)
  @ApiOkResponse({
    description: 'BulkJobView; without `results` when asked with results=false',
    schema: {
      anyOf: [{ $ref: getSchemaPath(BulkJobView) }, { $ref: getSchemaPath(BulkJobSummaryView) }],
    },
  })
  get(
    @Param('id', ParseIdPipe) id: number,
    @Query() query: GetJobQuery,
  ): Promise<BulkJobView | BulkJobSummaryView> {
    return this.jobs.get(id, query.results);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Cancel a scheduled or queued job: it becomes `cancelled` and never runs',
    description:
      'Cancelling a cancelled job answers it again; a job that has started (running, completed or failed) is 409.',
  })
  @ApiOkResponse({ type: BulkJobSummaryView })
  @ApiProblems(404, 409)
  cancel(
    @Auth() auth: Principal,
    @Param('id', ParseIdPipe) id: number,
  ): Promise<BulkJobSummaryView> {
    return this.cancellation.cancel(auth, id);
  }
}
