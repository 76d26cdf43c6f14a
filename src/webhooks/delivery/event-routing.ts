import { randomBytes } from 'node:crypto';
import { EVENT_TYPES } from '../../events/event-types';

export const SUBSCRIBABLE_EVENT_TYPES: readonly string[] = [...EVENT_TYPES, '*'];

/**
 * Whether endpoint `e` receives outbox event `o`, in SQL (the one place this is decided): by its
 * subscription list, except that a `webhook.ping` goes only to the endpoint pinged.
 */
export const ENDPOINT_WANTS_EVENT = `IF(o.type = 'webhook.ping',
  o.object_type = 'webhook' AND o.object_id = e.id,
  JSON_CONTAINS(e.events, '"*"') OR JSON_CONTAINS(e.events, JSON_QUOTE(o.type)))`;

/**
 * A prefix for wake-up job ids that no earlier job can have had (time plus randomness), so adding
 * a job never silently hits a finished or failed job that BullMQ still remembers.
 */
export const newWakePrefix = () => `w${Date.now().toString(36)}${randomBytes(5).toString('hex')}`;

/**
 * The wake-up job of a delivery row `d`, in SQL: per endpoint, deliveries are spread over `?`
 * buckets by customer, so a customer's deliveries share a job (one batch, sent in order) and a job
 * holds about WEBHOOK_BATCH_SIZE deliveries. Parameters: the prefix, the number of buckets.
 */
export const WAKE_JOB_OF = (endpointId: string, customerId: string, eventId: string) =>
  `CONCAT(?, '.', ${endpointId}, '.', MOD(COALESCE(${customerId}, ${eventId}), ?))`;

/** How many buckets `count` deliveries take (see WAKE_JOB_OF). */
export const bucketsFor = (count: number, batchSize: number) =>
  Math.max(1, Math.ceil(count / batchSize));
