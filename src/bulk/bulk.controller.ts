import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiHeader,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiProblems } from '../common/api-problems';
import { AdminOnly, Auth } from '../auth/auth.decorators';
import { Principal } from '../auth/principal';
import { BulkJobAccepted } from './bulk-job.views';
import { BulkJobsService } from './bulk-jobs.service';
import { BulkCommandDto } from './dto/bulk-command.dto';
import { IdempotencyKey } from './idempotency-key';

@ApiTags('customers')
@ApiBearerAuth()
@ApiProblems(401, 403, 503)
@AdminOnly()
@Controller('customers/bulk')
export class BulkController {
  constructor(private readonly jobs: BulkJobsService) {}

  @Post()
  @HttpCode(202)
  @ApiProblems(400, 413, 415, 422)
  @ApiOperation({
    summary: 'Suspend, activate or remove up to 10,000 customers in the background',
    description:
      'Answers at once with the job to watch at `Location`. The same `Idempotency-Key` within 24 h returns the first job (202, same `jobId`, header `Idempotent-Replayed: true`); reusing a key for a different action or ids is 422.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Any 1-255 visible ASCII characters, e.g. a UUID',
  })
  @ApiAcceptedResponse({ type: BulkJobAccepted })
  async create(
    @Auth() auth: Principal,
    @Body() dto: BulkCommandDto,
    @IdempotencyKey() idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<BulkJobAccepted> {
    const { jobId, created } = await this.jobs.enqueue(auth, dto, idempotencyKey);
    response.header('Location', `/api/v1/jobs/${jobId}`);
    if (!created) response.header('Idempotent-Replayed', 'true');
    return { jobId };
  }
}
