import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiHeader,
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
import { etagOf, IfMatchVersion } from '../common/if-match';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { CustomerDetailView, CustomerPage } from '../hosting/customer.views';
import { CustomersService } from './customers.service';
import { CreateCustomerDto, UpdateCustomerDto } from './dto/customer-input.dto';
import { ListCustomersQuery } from './dto/list-customers.query';
import { SuspendCustomerDto } from './dto/suspend-customer.dto';

@ApiTags('customers')
@ApiBearerAuth()
@ApiProblems(401, 403, 503)
@AdminOnly()
@Controller('customers')
export class CustomersController {
  constructor(private readonly customers: CustomersService) {}

  @Get()
  @ApiProblems(400)
  @ApiOperation({ summary: 'List customers, newest first (keyset pagination)' })
  @ApiOkResponse({ type: CustomerPage })
  list(@Query() query: ListCustomersQuery): Promise<Page<CustomerDetailView>> {
    return this.customers.list(query);
  }

  @Post()
  @ApiProblems(400, 409, 413, 415)
  @ApiOperation({ summary: 'Create a customer' })
  @ApiCreatedResponse({ type: CustomerDetailView })
  async create(
    @Auth() auth: Principal,
    @Body() dto: CreateCustomerDto,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<CustomerDetailView> {
    const customer = await this.customers.create(auth, dto);
    response
      .header('Location', `/api/v1/customers/${customer.id}`)
      .header(
        'ETag',
        etagOf(customer.version, customer.counts.subscriptions, customer.counts.domains),
      );
    return customer;
  }

  @Get(':id')
  @ApiProblems(400, 404)
  @ApiOperation({ summary: 'One customer, with counts of subscriptions and domains' })
  @ApiOkResponse({ type: CustomerDetailView })
  async get(
    @Param('id', ParseIdPipe) id: number,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<CustomerDetailView> {
    const customer = await this.customers.get(id);
    response.header(
      'ETag',
      etagOf(customer.version, customer.counts.subscriptions, customer.counts.domains),
    );
    return customer;
  }

  @Patch(':id')
  @ApiProblems(400, 404, 409, 412, 413, 415)
  @ApiOperation({
    summary: 'Edit contact data, credentials and infos',
    description: 'Send the ETag of your read as If-Match; a stale one is 412 Precondition Failed.',
  })
  @ApiHeader({
    name: 'If-Match',
    required: false,
    description: 'The ETag (version) the edit is based on, e.g. "3"',
  })
  @ApiOkResponse({ type: CustomerDetailView })
  async update(
    @Auth() auth: Principal,
    @Param('id', ParseIdPipe) id: number,
    @Body() dto: UpdateCustomerDto,
    @IfMatchVersion() version: number | undefined,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<CustomerDetailView> {
    const customer = await this.customers.update(auth, id, dto, version);
    response.header(
      'ETag',
      etagOf(customer.version, customer.counts.subscriptions, customer.counts.domains),
    );
    return customer;
  }

  @Post(':id/suspend')
  @HttpCode(200)
  @ApiProblems(400, 404)
  @ApiOperation({
    summary: 'Suspend a customer with all its subscriptions and domains; its sessions end at once',
    description:
      'The optional `reason` (staff only) is shown in `suspension` with the time and the actor. Suspending a suspended customer with a different reason replaces the reason (a `customer.updated` event, no `customer.suspended`).',
  })
  @ApiBody({ type: SuspendCustomerDto, required: false })
  @ApiOkResponse({ type: CustomerDetailView })
  async suspend(
    @Auth() auth: Principal,
    @Param('id', ParseIdPipe) id: number,
    @Body() dto: SuspendCustomerDto,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<CustomerDetailView> {
    const customer = await this.customers.suspend(auth, id, dto);
    response.header(
      'ETag',
      etagOf(customer.version, customer.counts.subscriptions, customer.counts.domains),
    );
    return customer;
  }

  @Post(':id/activate')
  @HttpCode(200)
  @ApiProblems(400, 404)
  @ApiOperation({
    summary:
      'Re-activate a customer, and the subscriptions and domains that have no other suspension reason',
  })
  @ApiOkResponse({ type: CustomerDetailView })
  async activate(
    @Auth() auth: Principal,
    @Param('id', ParseIdPipe) id: number,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<CustomerDetailView> {
    const customer = await this.customers.activate(auth, id);
    response.header(
      'ETag',
      etagOf(customer.version, customer.counts.subscriptions, customer.counts.domains),
    );
    return customer;
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiProblems(400, 404)
  @ApiOperation({ summary: 'Remove a customer with all its subscriptions and domains' })
  @ApiNoContentResponse()
  remove(@Auth() auth: Principal, @Param('id', ParseIdPipe) id: number): Promise<void> {
    return this.customers.remove(auth, id);
  }
}
