import { BulkJobSummaryView } from './bulk/bulk-job.views';
import { describeEvents, EventTypeDescription } from './events/event-catalog';

/**
 * Every event type with its `data` schema, from the definitions the event writer uses. Assembled
 * here, above the features, because `job.completed` embeds bulk's job view and the catalog is
 * served by events/event-types.controller.ts (ApiModule provides it as EVENT_CATALOG).
 */
export const APP_EVENT_CATALOG: readonly EventTypeDescription[] = describeEvents({
  job: BulkJobSummaryView,
});
