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
import { CreateSubscriptionDto, UpdateSubscriptionDto } from './dto/subscription-input.dto';
import { ListSubscriptionsQuery } from './dto/list-subscriptions.query';
import { SubscriptionPage, SubscriptionView } from '../hosting/subscription.views';
import { SubscriptionsService } from './subscriptions.service';

@ApiTags('subscriptions')
@ApiBearerAuth()
@ApiProblems(401, 403, 503)
@Controller('subscriptions')
export class SubscriptionsController {
  constructor(private readonly subscriptions: SubscriptionsService) {}

  @Get()
  @ApiProblems(400)
  @ApiOperation({
    summary: 'List subscriptions in id order (administrators: all; customers: their own)',
  })
  @ApiOkResponse({ type: SubscriptionPage })
  list(
    @Auth() auth: Principal,
    @Query() query: ListSubscriptionsQuery,
  ): Promise<Page<SubscriptionView>> {
    return this.subscriptions.list(auth, query);
  }

  @Get(':id')
  @ApiProblems(400, 404)
  @ApiOperation({ summary: 'One subscription' })
  @ApiOkResponse({ type: SubscriptionView })
  get(@Auth() auth: Principal, @Param('id', ParseIdPipe) id: number): Promise<SubscriptionView> {
    return this.subscriptions.get(auth, id);
  }

  @Post()
  @AdminOnly()
  @ApiProblems(400, 404, 409, 413, 415)
  @ApiOperation({ summary: 'Create a subscription with its main domain' })
  @ApiCreatedResponse({ type: SubscriptionView })
  async create(
    @Auth() auth: Principal,
    @Body() dto: CreateSubscriptionDto,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<SubscriptionView> {
    const subscription = await this.subscriptions.create(auth, dto);
    response.header('Location', `/api/v1/subscriptions/${subscription.id}`);
    return subscription;
  }

  @Patch(':id')
  @AdminOnly()
  @ApiProblems(400, 404, 413, 415)
  @ApiOperation({
    summary: 'Edit plan and expiry (moving expiresAt sets or lifts the reason `expired`)',
  })
  @ApiOkResponse({ type: SubscriptionView })
  update(
    @Auth() auth: Principal,
    @Param('id', ParseIdPipe) id: number,
    @Body() dto: UpdateSubscriptionDto,
  ): Promise<SubscriptionView> {
    return this.subscriptions.update(auth, id, dto);
  }

  @Delete(':id')
  @AdminOnly()
  @HttpCode(204)
  @ApiProblems(400, 404)
  @ApiOperation({ summary: 'Remove a subscription with all its domains' })
  @ApiNoContentResponse()
  remove(@Auth() auth: Principal, @Param('id', ParseIdPipe) id: number): Promise<void> {
    return this.subscriptions.remove(auth, id);
  }

  @Post(':id/suspend')
  @AdminOnly()
  @HttpCode(200)
  @ApiProblems(400, 404)
  @ApiOperation({ summary: 'Suspend (reason `admin`); its domains follow' })
  @ApiOkResponse({ type: SubscriptionView })
  suspend(
    @Auth() auth: Principal,
    @Param('id', ParseIdPipe) id: number,
  ): Promise<SubscriptionView> {
    return this.subscriptions.suspend(auth, id);
  }

  @Post(':id/activate')
  @AdminOnly()
  @HttpCode(200)
  @ApiProblems(400, 404)
  @ApiOperation({ summary: 'Lift the reason `admin`; stays suspended while another reason holds' })
  @ApiOkResponse({ type: SubscriptionView })
  activate(
    @Auth() auth: Principal,
    @Param('id', ParseIdPipe) id: number,
  ): Promise<SubscriptionView> {
    return this.subscriptions.activate(auth, id);
  }
}
