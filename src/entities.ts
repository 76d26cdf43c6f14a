import { Administrator } from './auth/administrator.entity';
import { ApiKey } from './auth/api-key.entity';
import { AuthSession } from './auth/auth-session.entity';
import { BulkJobResult } from './bulk/bulk-job-result.entity';
import { BulkJob } from './bulk/bulk-job.entity';
import { Customer } from './hosting/customer.entity';
import { CustomerSearchTrigram } from './hosting/customer-search-trigram.entity';
import { Domain } from './hosting/domain.entity';
import { OutboxEvent } from './events/outbox-event.entity';
import { Subscription } from './hosting/subscription.entity';
import { DeliveryAttempt, EventDelivery } from './webhooks/delivery/delivery.entities';
import { WebhookEndpoint } from './webhooks/webhook-endpoint.entity';

/** Every entity of the service; MikroORM, the migrations and the tests share this list. */
export const ENTITIES = [
  Administrator,
  AuthSession,
  Customer,
  CustomerSearchTrigram,
  OutboxEvent,
  Subscription,
  Domain,
  BulkJob,
  BulkJobResult,
  WebhookEndpoint,
  DeliveryAttempt,
  ApiKey,
  EventDelivery,
];
