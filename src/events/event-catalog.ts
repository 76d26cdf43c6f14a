import {
  CustomerDeletedData,
  CustomerEventData,
  CustomerStatusData,
  CustomerSuspendedData,
  CustomerUpdatedData,
  DomainEventData,
  DomainStatusData,
  JobCompletedData,
  SubscriptionDeletedData,
  SubscriptionEventData,
  SubscriptionStatusData,
  SubscriptionUpdatedData,
  WebhookDisabledData,
  WebhookPausedDiscardedData,
  WebhookPingData,
} from './event-payloads';
import { EVENT_TYPES, EventObjectType, EventType } from './event-types';
import { JsonSchema, schemaOfView } from './view-schema';

interface EventDefinition {
  description: string;
  objectType: EventObjectType;
  /** The payload class (see event-payloads.ts). */
  data: new () => object;
}

/** Every event type: what it means, what it is about, and what its payload holds. */
export const EVENT_DEFINITIONS = {
  'customer.created': {
    objectType: 'customer',
    description: 'A customer account was created.',
    data: CustomerEventData,
  },
  'customer.updated': {
    objectType: 'customer',
    description: "A customer's contact data, credentials or notes changed; `changes` names them.",
    data: CustomerUpdatedData,
  },
  'customer.suspended': {
    objectType: 'customer',
    description:
      'A customer was suspended: it cannot log in, and its subscriptions and domains follow with their own events; `reason` says why.',
    data: CustomerSuspendedData,
  },
  'customer.activated': {
    objectType: 'customer',
    description:
      'A suspended customer was activated again, with every subscription and domain that has no other reason to stay suspended.',
    data: CustomerStatusData,
  },
  'customer.deleted': {
    objectType: 'customer',
    description:
      'A customer was removed with all its subscriptions and domains; the payload keeps a snapshot of what went.',
    data: CustomerDeletedData,
  },
  'subscription.created': {
    objectType: 'subscription',
    description: 'A subscription was created (its main domain follows as `domain.created`).',
    data: SubscriptionEventData,
  },
  'subscription.updated': {
    objectType: 'subscription',
    description: "A subscription's plan or expiry date changed; `changes` names them.",
    data: SubscriptionUpdatedData,
  },
  'subscription.suspended': {
    objectType: 'subscription',
    description:
      'A subscription became suspended (by an administrator, its customer, or expiry); `reasonsAfter` says why.',
    data: SubscriptionStatusData,
  },
  'subscription.activated': {
    objectType: 'subscription',
    description: 'A subscription became active: its last suspension reason was lifted.',
    data: SubscriptionStatusData,
  },
  'subscription.deleted': {
    objectType: 'subscription',
    description: 'A subscription was removed with its domains, whose names the payload keeps.',
    data: SubscriptionDeletedData,
  },
  'domain.created': {
    objectType: 'domain',
    description: 'A domain was added to a subscription.',
    data: DomainEventData,
  },
  'domain.suspended': {
    objectType: 'domain',
    description:
      'A domain became suspended (by an administrator, or because its subscription is); `reasonsAfter` says why.',
    data: DomainStatusData,
  },
  'domain.activated': {
    objectType: 'domain',
    description: 'A domain became active: its last suspension reason was lifted.',
    data: DomainStatusData,
  },
  'domain.deleted': {
    objectType: 'domain',
    description: 'A domain was removed from its subscription.',
    data: DomainEventData,
  },
  'job.completed': {
    objectType: 'job',
    description:
      'A bulk job finished: `job.state` is `completed`, or `failed` when it gave up; the outcome per customer is at GET /jobs/{id}.',
    data: JobCompletedData,
  },
  'job.scheduled': {
    objectType: 'job',
    description:
      'A bulk job was planned for later: it runs at `job.runAt` unless it is cancelled first (its end is announced as `job.completed`).',
    data: JobCompletedData,
  },
  'webhook.ping': {
    objectType: 'webhook',
    description:
      'A test event, sent only to the endpoint it was asked for (POST /webhooks/{id}/ping).',
    data: WebhookPingData,
  },
  'webhook.disabled': {
    objectType: 'webhook',
    description:
      'The service disabled a webhook endpoint: it answered 410 Gone, or failed for 24 hours.',
    data: WebhookDisabledData,
  },
  'webhook.paused_discarded': {
    objectType: 'webhook',
    description:
      'An administrator dropped the deliveries a disabled webhook endpoint was owed (POST /webhooks/{id}/discard-paused).',
    data: WebhookPausedDiscardedData,
  },
} as const satisfies Record<EventType, EventDefinition>;

/** The payload the writer stores for an event type: the instance type of its payload class. */
export type EventPayload<Type extends EventType> = InstanceType<
  (typeof EVENT_DEFINITIONS)[Type]['data']
>;

export const objectTypeOf = (type: EventType): EventObjectType =>
  EVENT_DEFINITIONS[type].objectType;

/** An entry of GET /event-types. */
export interface EventTypeDescription {
  name: EventType;
  description: string;
  /** JSON Schema (draft-07) of the delivered body's `data`: the envelope and the payload. */
  schema: JsonSchema;
}

/** Views from layers above this one that payloads embed: the bulk job's summary. */
export interface CatalogViews {
  job: abstract new (...args: never[]) => unknown;
}

/**
 * The application's catalog (describeEvents with the views above this layer): src/event-catalog.ts
 * assembles it, ApiModule provides it under this token, so events/ need not import bulk/.
 */
export const EVENT_CATALOG = Symbol('EVENT_CATALOG');

/** `admin:1`, `customer:2`, `apikey:3`, ... or `system`. */
export const ACTOR_PATTERN = '^(system|[a-z][a-z0-9_-]*:[A-Za-z0-9._-]+)$';

/**
 * The catalog of every event type, `data` schemas included. `data` is the stored payload after
 * the envelope every event has (the outbox columns the writer owns); webhook bodies are
 * `{type, timestamp, data}`.
 */
export function describeEvents(views: CatalogViews): EventTypeDescription[] {
  return EVENT_TYPES.map((name) => {
    const definition: EventDefinition = EVENT_DEFINITIONS[name];
    const payload = schemaOfView(definition.data);
    const properties = { ...(payload.properties as Record<string, JsonSchema>) };
    if (definition.data === JobCompletedData)
      properties.job = { ...schemaOfView(views.job), description: properties.job.description };
    return {
      name,
      description: definition.description,
      schema: {
        $schema: 'http://json-schema.org/draft-07/schema#',
        title: `${name} data`,
        type: 'object',
        properties: { ...envelopeSchema(definition.objectType), ...properties },
        required: [...ENVELOPE_FIELDS, ...(payload.required as string[])],
        additionalProperties: false,
      },
    };
  });
}

const ENVELOPE_FIELDS = [
  'eventId',
  'objectType',
  'objectId',
  'customerId',
  'sequence',
  'actor',
  'jobId',
] as const;

function envelopeSchema(objectType: EventObjectType): Record<string, JsonSchema> {
  // Events about a customer's objects carry the customer and its per-customer sequence.
  const owned =
    objectType === 'customer' || objectType === 'subscription' || objectType === 'domain';
  const perCustomer = (description: string): JsonSchema =>
    owned
      ? { type: 'integer', minimum: 1, description }
      : { type: 'null', description: 'null: this event is not about a customer’s objects' };
  return {
    eventId: {
      type: 'integer',
      minimum: 1,
      description: 'Unique; also the `webhook-id` header, the same on every retry',
    },
    objectType: { const: objectType },
    objectId: { type: 'integer', minimum: 1 },
    customerId: perCustomer('The customer the object belongs to'),
    sequence: perCustomer(
      "Increases with each event of this customer: order a customer's events by it",
    ),
    actor: {
      type: 'string',
      pattern: ACTOR_PATTERN,
      description: 'Who caused it: `admin:<id>`, `customer:<id>`, `apikey:<id>`, ... or `system`',
    },
    jobId: { type: ['integer', 'null'], description: 'The bulk job that caused it, if any' },
  };
}
