import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiProblems } from '../common/api-problems';
import { AdminOnly, Auth } from '../auth/auth.decorators';
import { Principal } from '../auth/principal';
import { Page } from '../common/cursor';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { DomainPage, DomainView } from '../hosting/domain.views';
import { DomainsService } from './domains.service';
import { CreateDomainDto } from './dto/domain-input.dto';
import { ListDomainsQuery } from './dto/list-domains.query';

@ApiTags('domains')
@ApiBearerAuth()
@ApiProblems(401, 403, 503)
@Controller('domains')
export class DomainsController {
  constructor(private readonly domains: DomainsService) {}

  @Get()
  @ApiProblems(400)
  @ApiOperation({ summary: 'List domains in id order (administrators: all; customers: their own)' })
  @ApiOkResponse({ type: DomainPage })
  list(@Auth() auth: Principal, @Query() query: ListDomainsQuery): Promise<Page<DomainView>> {
    return this.domains.list(auth, query);
  }

  @Get(':id')
  @ApiProblems(400, 404)
  @ApiOperation({ summary: 'One domain' })
  @ApiOkResponse({ type: DomainView })
  get(@Auth() auth: Principal, @Param('id', ParseIdPipe) id: number): Promise<DomainView> {
    return this.domains.get(auth, id);
  }

  @Post()
  @ApiProblems(400, 404, 409, 413, 415)
  @ApiOperation({
    summary: 'Add a domain to a subscription (customers: only to their own active subscriptions)',
  })
  @ApiCreatedResponse({ type: DomainView })
  async create(
    @Auth() auth: Principal,
    @Body() dto: CreateDomainDto,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<DomainView> {
    const domain = await this.domains.create(auth, dto);
    response.header('Location', `/api/v1/domains/${domain.id}`);
    return domain;
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiProblems(400, 404, 409)
  @ApiOperation({
    summary:
      'Remove a domain (not the main domain; customers: only in their own active subscriptions)',
  })
  @ApiNoContentResponse()
  remove(@Auth() auth: Principal, @Param('id', ParseIdPipe) id: number): Promise<void> {
    return this.domains.remove(auth, id);
  }

  @Post(':id/suspend')
  @AdminOnly()
  @HttpCode(200)
  @ApiProblems(400, 404)
  @ApiOperation({ summary: 'Suspend (reason `admin`)' })
  @ApiOkResponse({ type: DomainView })
  suspend(@Auth() auth: Principal, @Param('id', ParseIdPipe) id: number): Promise<DomainView> {
    return this.domains.suspend(auth, id);
  }

  @Post(':id/activate')
  @AdminOnly()
  @HttpCode(200)
  @ApiProblems(400, 404)
  @ApiOperation({ summary: 'Lift the reason `admin`; stays suspended while its subscription is' })
  @ApiOkResponse({ type: DomainView })
  activate(@Auth() auth: Principal, @Param('id', ParseIdPipe) id: number): Promise<DomainView> {
    return this.domains.activate(auth, id);
  }
}
