import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
} from '@nestjs/swagger';
import { Auth } from '../../auth/auth.decorators';
import { Principal } from '../../auth/principal';
import { ParseIdPipe } from '../../common/parse-id.pipe';
import { PleskClientRequest, PleskClientUpdateRequest } from './dto/client-request.dto';
import { PleskApi, PLESK_PREFIX } from './plesk-api';
import { PleskClients } from './plesk-clients.service';
import {
  PleskClient,
  PleskCreatedResponse,
  PleskDomain,
  PleskErrorResponse,
  PleskStatistics,
  PleskStatusResponse,
} from './plesk.views';

const SUCCESS: PleskStatusResponse = { status: 'success' };

@PleskApi()
@Controller(`${PLESK_PREFIX}/clients`)
export class PleskClientsController {
  constructor(private readonly clients: PleskClients) {}

  @Get()
  @ApiOperation({ summary: 'Every customer, as Plesk clients' })
  @ApiOkResponse({ type: [PleskClient] })
  list(@Auth() auth: Principal): Promise<PleskClient[]> {
    return this.clients.list(auth);
  }

  @Post()
  @ApiOperation({ summary: 'Create a customer (type "customer" only)' })
  @ApiCreatedResponse({ type: PleskCreatedResponse })
  @ApiConflictResponse({ type: PleskErrorResponse, description: 'Login or external_id taken' })
  create(@Auth() auth: Principal, @Body() body: PleskClientRequest): Promise<PleskCreatedResponse> {
    return this.clients.create(auth, body);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One customer' })
  @ApiOkResponse({ type: PleskClient })
  @ApiNotFoundResponse({ type: PleskErrorResponse })
  get(@Auth() auth: Principal, @Param('id', ParseIdPipe) id: number): Promise<PleskClient> {
    return this.clients.get(auth, id);
  }

  @Put(':id')
  @ApiOperation({
    summary: 'Change a customer: every field optional; status 0/16 activates/suspends',
  })
  @ApiOkResponse({ type: PleskCreatedResponse })
  @ApiNotFoundResponse({ type: PleskErrorResponse })
  @ApiConflictResponse({ type: PleskErrorResponse, description: 'Login or external_id taken' })
  update(
    @Auth() auth: Principal,
    @Param('id', ParseIdPipe) id: number,
    @Body() body: PleskClientUpdateRequest,
  ): Promise<PleskCreatedResponse> {
    return this.clients.update(auth, id, body);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Remove a customer with its subscriptions and domains' })
  @ApiOkResponse({ type: PleskCreatedResponse })
  @ApiNotFoundResponse({ type: PleskErrorResponse })
  remove(
    @Auth() auth: Principal,
    @Param('id', ParseIdPipe) id: number,
  ): Promise<PleskCreatedResponse> {
    return this.clients.remove(auth, id);
  }

  @Put(':id/suspend')
  @HttpCode(200)
  @ApiOperation({ summary: 'Suspend a customer with all its subscriptions and domains' })
  @ApiOkResponse({ type: PleskStatusResponse })
  @ApiNotFoundResponse({ type: PleskErrorResponse })
  async suspend(
    @Auth() auth: Principal,
    @Param('id', ParseIdPipe) id: number,
  ): Promise<PleskStatusResponse> {
    await this.clients.suspend(auth, id);
    return SUCCESS;
  }

  @Put(':id/activate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Re-activate a customer (and what has no other suspension reason)' })
  @ApiOkResponse({ type: PleskStatusResponse })
  @ApiNotFoundResponse({ type: PleskErrorResponse })
  async activate(
    @Auth() auth: Principal,
    @Param('id', ParseIdPipe) id: number,
  ): Promise<PleskStatusResponse> {
    await this.clients.activate(auth, id);
    return SUCCESS;
  }

  @Get(':id/domains')
  @ApiOperation({ summary: "The customer's domains" })
  @ApiOkResponse({ type: [PleskDomain] })
  @ApiNotFoundResponse({ type: PleskErrorResponse })
  domains(@Auth() auth: Principal, @Param('id', ParseIdPipe) id: number): Promise<PleskDomain[]> {
    return this.clients.domainsOf(auth, id);
  }

  @Get(':id/statistics')
  @ApiOperation({
    summary: "The customer's statistics",
    description: 'active_domains and subdomains are counted; clientele meters nothing else (0).',
  })
  @ApiOkResponse({ type: PleskStatistics })
  @ApiNotFoundResponse({ type: PleskErrorResponse })
  statistics(
    @Auth() auth: Principal,
    @Param('id', ParseIdPipe) id: number,
  ): Promise<PleskStatistics> {
    return this.clients.statistics(auth, id);
  }
}
