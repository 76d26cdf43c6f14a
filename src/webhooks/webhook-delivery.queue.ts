import { JobsOptions } from 'bullmq';
import { EVENT_TYPES, EventType } from '../events/event-types';

export const WEBHOOK_DELIVERY_QUEUE = 'webhook-delivery';

/** One event to one endpoint. The body is fixed at relay time so every retry sends (and signs) the same bytes. */
export interface WebhookDeliveryJob {
  eventId: string;
  endpointId: number;
  type: EventType;
  body: string;
}

/**
 * `${eventId}-${endpointId}`: while a delivery is queued, retrying or running, the queue refuses a
 * second job for the same pair. Once it got its 2xx, the delivery log (webhook_delivery) is what
 * keeps a re-relayed event from being sent again, so completed jobs need not be kept.
 */
export const deliveryJobId = (eventId: string, endpointId: number) => `${eventId}-${endpointId}`;

export const deliveryJobOptions = (retries: number): JobsOptions => ({
  attempts: retries + 1,
  backoff: { type: 'webhook-schedule' },
  removeOnComplete: true,
  removeOnFail: { age: 7 * 86_400, count: 100_000 },
});

export const SUBSCRIBABLE_EVENT_TYPES: readonly string[] = [...EVENT_TYPES, '*'];

export interface RoutableEvent {
  type: EventType;
  objectType: string;
  objectId: number;
}

export interface RoutableEndpoint {
  id: number;
  events: string[];
}

/** Whether an endpoint receives an event: by its subscription list, except that a ping goes only to the endpoint pinged. */
export function endpointWants(endpoint: RoutableEndpoint, event: RoutableEvent): boolean {
  if (event.type === 'webhook.ping') return event.objectType === 'webhook' && event.objectId === endpoint.id;
  return subscribesTo(endpoint.events, event.type);
}

export const subscribesTo = (events: string[], type: string) => events.includes('*') || events.includes(type);
