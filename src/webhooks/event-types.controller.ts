import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../common/api-problems';
import { AdminOnly } from '../auth/auth.decorators';
import { BulkJobSummaryView } from '../bulk/bulk-job.views';
import { describeEvents, EventTypeDescription } from '../events/event-catalog';
import { EVENT_TYPES, EventType } from '../events/event-types';
import { JsonSchema } from '../events/view-schema';

/** Every event type with its `data` schema, from the definitions the event writer uses. */
export const EVENT_CATALOG: readonly EventTypeDescription[] = describeEvents({
  job: BulkJobSummaryView,
});

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
  @Get()
  @ApiOperation({
    summary: 'The event catalog',
    description:
      'Every event type a webhook endpoint can subscribe to, with a description and the JSON Schema of its `data`. Webhook bodies are `{type, timestamp, data}`; the same events are described under `x-webhooks`.',
  })
  @ApiOkResponse({ type: [EventTypeView] })
  list(): readonly EventTypeDescription[] {
    return EVENT_CATALOG;
  }
}
