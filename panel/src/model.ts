import type { components } from './api-schema';

/**
 * The shapes of the API's answers, as the OpenAPI document describes them: api-schema.ts is
 * generated from it (`npm run openapi`), so a change of the API shows up here as a type error.
 */
type Schemas = components['schemas'];

export type Me = Schemas['PrincipalView'];
export type Account = Schemas['CustomerAccountView'];
export type Status = Account['status'];
export type Customer = Schemas['CustomerDetailView'];

export type Subscription = Schemas['SubscriptionView'];
export type BulkAction = Schemas['BulkCommandDto']['action'];
/** A bulk job with the outcome of every customer it acted on (GET /jobs/{id}). */
export type Job = Schemas['BulkJobView'];
/** A bulk job without its outcomes, as lists and the answer to cancel give it. */
export type JobSummary = Schemas['BulkJobSummaryView'];
export type Webhook = Schemas['WebhookView'];
/** A webhook as its creation answers it: with the secret, shown this once. */
export type CreatedWebhook = Schemas['WebhookWithSecretView'];
export type WebhookDelivery = Schemas['WebhookDeliveryView'];
export type AuditEntry = Schemas['AuditEntry'];
export type DeliveryState = NonNullable<WebhookDelivery['state']>;
/** The answer to resend and recover. */
export type DeliveriesQueued = Schemas['DeliveriesQueued'];
export type ApiKey = Schemas['ApiKeyView'];
/** An API key as its creation answers it: with the key, shown this once. */
export type CreatedApiKey = Schemas['CreatedApiKeyView'];

/** What a bulk command may add: a suspension reason, and a time to run at (ISO 8601, UTC). */
export type JobPlan = Pick<Schemas['BulkCommandDto'], 'reason' | 'runAt'>;
