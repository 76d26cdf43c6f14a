import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../auth/auth.decorators';
import { ApiProblems } from '../common/api-problems';
import { Page } from '../common/cursor';
import { AuditService } from './audit.service';
import { AuditEntry, AuditPage } from './audit.views';
import { ListAuditQuery } from './dto/list-audit.query';

@ApiTags('audit')
@ApiBearerAuth()
@ApiProblems(400, 401, 403, 503)
@AdminOnly()
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({
    summary: 'Who did what to which object and when, newest first',
    description: 'Filter by objectType (+ objectId), customerId or actor.',
  })
  @ApiOkResponse({ type: AuditPage })
  list(@Query() query: ListAuditQuery): Promise<Page<AuditEntry>> {
    return this.audit.list(query);
  }
}
