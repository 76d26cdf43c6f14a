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
  ApiAcceptedResponse,
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
import { ParseIdPipe } from '../common/parse-id.pipe';
import {
  CreateWebhookDto,
  ListDeliveriesQuery,
  RecoverEventsDto,
  ResendEventsDto,
  UpdateWebhookDto,
} from './dto/webhook-input.dto';
import {
  DeliveriesQueued,
  PausedDiscarded,
  PingAccepted,
  WebhookDeliveryPage,
  WebhookPage,
  WebhookView,
  WebhookWithSecretView,
} from './webhook.views';
import { WebhooksService } from './webhooks.service';

const WebhookId = () => Param('id', ParseIdPipe);

@ApiTags('webhooks')
@ApiBearerAuth()
@ApiProblems(401, 403, 503)
@AdminOnly()
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get()
  @ApiOperation({ summary: 'List webhook endpoints' })
  @ApiOkResponse({ type: WebhookPage })
  list(): Promise<WebhookPage> {
    return this.webhooks.list();
  }

  @Post()
  @ApiProblems(400, 413, 415)
  @ApiOperation({
    summary: 'Add a webhook endpoint',
    description: 'The answer holds the signing secret; it is never shown again.',
  })
  @ApiCreatedResponse({ type: WebhookWithSecretView })
  async create(
    @Body() dto: CreateWebhookDto,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<WebhookWithSecretView> {
    // Cache-Control: no-store, which the secret needs, is on every API answer (securityHeaders).
    const endpoint = await this.webhooks.create(dto);
    response.header('Location', `/api/v1/webhooks/${endpoint.id}`);
    return endpoint;
  }

  @Get(':id')
  @ApiProblems(400, 404)
  @ApiOperation({ summary: 'One webhook endpoint' })
  @ApiOkResponse({ type: WebhookView })
  get(@WebhookId() id: number): Promise<WebhookView> {
    return this.webhooks.get(id);
  }

  @Patch(':id')
  @ApiProblems(400, 404, 413, 415)
  @ApiOperation({ summary: 'Edit url, events, description or enabled' })
  @ApiOkResponse({ type: WebhookView })
  update(@WebhookId() id: number, @Body() dto: UpdateWebhookDto): Promise<WebhookView> {
    return this.webhooks.update(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiProblems(400, 404)
  @ApiOperation({ summary: 'Remove a webhook endpoint and its delivery log' })
  @ApiNoContentResponse()
  remove(@WebhookId() id: number): Promise<void> {
    return this.webhooks.remove(id);
  }

  @Post(':id/ping')
  @HttpCode(202)
  @ApiProblems(400, 404, 409)
  @ApiOperation({ summary: 'Send a webhook.ping event to this endpoint' })
  @ApiAcceptedResponse({ type: PingAccepted })
  ping(@Auth() auth: Principal, @WebhookId() id: number): Promise<PingAccepted> {
    return this.webhooks.ping(auth, id);
  }

  @Post(':id/discard-paused')
  @HttpCode(200)
  @ApiProblems(400, 404, 409)
  @ApiOperation({
    summary: 'Drop the deliveries a disabled endpoint is owed',
    description:
      'While an endpoint is disabled its deliveries are kept as paused, and enabling it sends them in order. This drops them instead; the audit trail records it (webhook.paused_discarded). 409 while the endpoint is enabled.',
  })
  @ApiOkResponse({ type: PausedDiscarded })
  discardPaused(@Auth() auth: Principal, @WebhookId() id: number): Promise<PausedDiscarded> {
    return this.webhooks.discardPaused(auth, id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ApiProblems(400, 404)
  @ApiOperation({
    summary: 'Replace the signing secret',
    description:
      'The new secret is shown once. For 24 h deliveries carry signatures of both the old and the new secret.',
  })
  @ApiOkResponse({ type: WebhookWithSecretView })
  rotateSecret(@WebhookId() id: number): Promise<WebhookWithSecretView> {
    return this.webhooks.rotateSecret(id);
  }

  @Get(':id/deliveries')
  @ApiProblems(400, 404)
  @ApiOperation({ summary: 'Delivery attempts to this endpoint, newest first (keyset pagination)' })
  @ApiOkResponse({ type: WebhookDeliveryPage })
  deliveries(
    @WebhookId() id: number,
    @Query() query: ListDeliveriesQuery,
  ): Promise<WebhookDeliveryPage> {
    return this.webhooks.attempts(id, query);
  }

  @Post(':id/resend')
  @HttpCode(202)
  @ApiProblems(400, 404, 409, 413, 415)
  @ApiOperation({
    summary: 'Send events to this endpoint again',
    description:
      'Each event goes again with the same webhook-id, on a fresh retry schedule, whether its delivery succeeded, failed or never happened.',
  })
  @ApiAcceptedResponse({ type: DeliveriesQueued })
  resend(@WebhookId() id: number, @Body() dto: ResendEventsDto): Promise<DeliveriesQueued> {
    return this.webhooks.resend(id, dto);
  }

  @Post(':id/recover')
  @HttpCode(202)
  @ApiProblems(400, 404, 409, 413, 415)
  @ApiOperation({
    summary: 'Send again every event of a time window whose delivery failed',
    description:
      'Events that happened in [since, until) and whose delivery to this endpoint ended failed (retries used up) are sent again; events that succeeded or are still being retried are not.',
  })
  @ApiAcceptedResponse({ type: DeliveriesQueued })
  recover(@WebhookId() id: number, @Body() dto: RecoverEventsDto): Promise<DeliveriesQueued> {
    return this.webhooks.recover(id, dto);
  }
}
