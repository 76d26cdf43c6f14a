export const EVENT_TYPES = [
  'customer.created',
  'customer.updated',
  'customer.suspended',
  'customer.activated',
  'customer.deleted',
  'subscription.created',
  'subscription.updated',
  'subscription.suspended',
  'subscription.activated',
  'subscription.deleted',
  'domain.created',
  'domain.suspended',
  'domain.activated',
  'domain.deleted',
  'job.completed',
  'job.scheduled',
  'webhook.ping',
  'webhook.disabled',
  'webhook.paused_discarded',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export type EventObjectType = 'customer' | 'subscription' | 'domain' | 'job' | 'webhook';
