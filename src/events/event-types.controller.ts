import { Controller, Get, Inject } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiTags,
  OpenAPIObject,
} from '@nestjs/swagger';
import { ApiProblems } from '../common/api-problems';
import { AdminOnly } from '../auth/auth.decorators';
import { EVENT_CATALOG, EventTypeDescription } from './event-catalog';
import { EVENT_TYPES, EventType } from './event-types';
import { JsonSchema, toOpenApi30 } from './view-schema';

export class EventTypeView {
  @ApiProperty({ enum: EVENT_TYPES }) name!: EventType;
  @ApiProperty() description!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'JSON Schema (draft-07) of the event body’s `data`',
  })
  schema!: JsonSchema;
}

@ApiTags('webhooks')
@ApiBearerAuth()
@ApiProblems(401, 403, 503)
@AdminOnly()
@Controller('event-types')
export class EventTypesController {
  constructor(@Inject(EVENT_CATALOG) private readonly catalog: readonly EventTypeDescription[]) {}

  @Get()
  @ApiOperation({
    summary: 'The event catalog',
    description:
      'Every event type a webhook endpoint can subscribe to, with a description and the JSON Schema of its `data`. Webhook bodies are `{type, timestamp, data}`; the same events are described under `x-webhooks`.',
  })
  @ApiOkResponse({ type: [EventTypeView] })
  list(): readonly EventTypeDescription[] {
    return this.catalog;
  }
}

const header = (description: string) => ({
  required: true,
  schema: { type: 'string' },
  description,
});

/**
 * The webhook events as OpenAPI describes them: one entry per event type under `x-webhooks` (the
 * generator writes OpenAPI 3.0, which has no `webhooks` object; 3.1's shape is used as the
 * extension's value), each a POST of `{type, timestamp, data}` with the catalog's `data` schema.
 */
export function addEventWebhooks(
  document: OpenAPIObject,
  catalog: readonly EventTypeDescription[],
): void {
  const webhooks = Object.fromEntries(
    catalog.map((event) => [
      event.name,
      {
        post: {
          summary: event.name,
          description: event.description,
          operationId: `webhook_${event.name.replace('.', '_')}`,
          tags: ['webhook events'],
          parameters: [
            {
              in: 'header',
              name: 'webhook-id',
              ...header('The event id: the same on every retry; drop duplicates by it'),
            },
            { in: 'header', name: 'webhook-timestamp', ...header('Unix time of this attempt') },
            {
              in: 'header',
              name: 'webhook-signature',
              ...header(
                '`v1,<base64 HMAC-SHA256 of id.timestamp.body>` (Standard Webhooks); two during a secret rotation',
              ),
            },
          ],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['type', 'timestamp', 'data'],
                  additionalProperties: false,
                  properties: {
                    type: { type: 'string', enum: [event.name] },
                    timestamp: {
                      type: 'string',
                      format: 'date-time',
                      description: 'When the event was written',
                    },
                    data: toOpenApi30(event.schema),
                  },
                },
              },
            },
          },
          responses: {
            '2XX': { description: 'Received' },
            '410': { description: 'Gone: the endpoint is disabled and receives nothing more' },
            default: {
              description: 'Anything else, or no answer within 15 s: retried with backoff',
            },
          },
        },
      },
    ]),
  );
  Object.assign(document, { 'x-webhooks': webhooks });
}
