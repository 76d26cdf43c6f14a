import type { components } from './api-schema';

/**
 * The shapes of the API's answers, as the OpenAPI document describes them: api-schema.ts is
 * generated from it (`npm run openapi`), so a change of the API shows up here as a type error.
 */
type Schemas = components['schemas'];

export type Me = Schemas['PrincipalView'];
export type Role = Me['role'];
export type Account = Schemas['CustomerAccountView'];
export type Status = Account['status'];
export type Customer = Schemas['CustomerDetailView'];
export type ContactData = Pick<
  Account,
  | 'name'
  | 'company'
  | 'email'
  | 'phone'
  | 'fax'
  | 'address'
  | 'city'
  | 'state'
  | 'postalCode'
  | 'country'
  | 'locale'
>;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type Subscription = Schemas['SubscriptionView'];
export type Domain = Schemas['DomainView'];
export type BulkAction = Schemas['BulkCommandDto']['action'];
export type JobResult = Schemas['BulkResultView'];
export type Job = Schemas['BulkJobView'];
export type Webhook = Schemas['WebhookView'] & { secret?: string };
export type WebhookDelivery = Schemas['WebhookDeliveryView'];
export type AuditEntry = Schemas['AuditEntry'];
export type DeliveryState = NonNullable<WebhookDelivery['state']>;
/** The answer to resend and recover. */
export type DeliveriesQueued = Schemas['DeliveriesQueued'];

/** Reads either a bare array or a page of items, so a list endpoint's exact shape does not matter. */
export function itemsOf<T>(body: T[] | Page<T> | { items: T[] }): T[] {
  return Array.isArray(body) ? body : body.items;
}

/** Suspension reasons in the order the panel names them (section 2's table). */
export const REASONS = ['admin', 'customer', 'subscription', 'expired'] as const;

/** Reasons may arrive as names or as a bit set; the panel always shows names. */
export function reasonsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'number') return REASONS.filter((_, bit) => (value & (1 << bit)) !== 0);
  return [];
}

/** Why, since when and by whom a customer is suspended (staff only). */
export type Suspension = NonNullable<Customer['suspension']>;
export type JobState = Job['state'];

/** What a bulk command may add: a suspension reason, and a time to run at. */
export interface JobPlan {
  reason?: string;
  /** ISO 8601 (UTC), from the user's local date and time. */
  runAt?: string;
}

/** An entry of the event catalog (GET /event-types). */
export type EventType = Schemas['EventTypeView'];
