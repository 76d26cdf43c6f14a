import { JobsOptions } from 'bullmq';
import { EVENT_TYPES, EventType } from '../../events/event-types';

export const WEBHOOK_DELIVERY_QUEUE = 'webhook-delivery';

/** One event to one endpoint. The body is fixed at relay time so every retry sends (and signs) the same bytes. */
export interface WebhookDeliveryJob {
  eventId: string;
  endpointId: number;
  type: EventType;
  body: string;
  /** Attempts made before this job existed (a retry split off a batch); absent means none. */
  previousAttempts?: number;
  /** When the first attempt was queued (epoch ms), if before this job; the retry schedule counts from it. */
  firstQueuedAt?: number;
}

/** One event of a batch: what a single delivery job holds, less the endpoint. */
export interface BatchedEvent {
  eventId: string;
  type: EventType;
  body: string;
  customerId: number | null;
}

/**
 * The first attempt of up to WEBHOOK_BATCH_SIZE events to one endpoint: one queue job instead of one
 * per event, so the queue's work per event shrinks. Each event is still its own HTTP request.
 */
export interface WebhookBatchJob {
  endpointId: number;
  events: BatchedEvent[];
}

/** The job name of batches; single-event jobs are named by their event type. */
export const DELIVERY_BATCH_JOB = 'delivery-batch';

/**
 * `${eventId}-${endpointId}`: while a delivery is queued, retrying or running, the queue refuses a
 * second job for the same pair. Once it got its 2xx, the delivery log (webhook_delivery) is what
 * keeps a re-relayed event from being sent again, so completed jobs need not be kept.
 */
export const deliveryJobId = (eventId: string, endpointId: number) => `${eventId}-${endpointId}`;

/** `${endpointId}-${firstEventId}-${lastEventId}`: an event belongs to one batch per relay pass, so this names the batch. */
export const deliveryBatchJobId = (endpointId: number, events: BatchedEvent[]) => {
  const ids = events.map((event) => BigInt(event.eventId));
  const first = ids.reduce((a, b) => (b < a ? b : a));
  const last = ids.reduce((a, b) => (b > a ? b : a));
  return `${endpointId}-${first}-${last}`;
};

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
  if (event.type === 'webhook.ping')
    return event.objectType === 'webhook' && event.objectId === endpoint.id;
  return subscribesTo(endpoint.events, event.type);
}

export const subscribesTo = (events: string[], type: string) =>
  events.includes('*') || events.includes(type);
