import { BULK_QUEUE, MAINTENANCE_QUEUE } from '../bulk/bulk-queue';
import { DELIVERY_LOG_PRUNE_QUEUE } from '../webhooks/delivery/delivery-log-pruner';
import { OUTBOX_SWEEP_QUEUE } from '../webhooks/delivery/relay.sweep';
import { WEBHOOK_DELIVERY_QUEUE } from '../webhooks/delivery/webhook-delivery.queue';

/** Every BullMQ queue of a deployment (under its REDIS_PREFIX): measured, and shown on the dashboard. */
export const DEPLOYMENT_QUEUES: readonly string[] = [
  BULK_QUEUE,
  MAINTENANCE_QUEUE,
  WEBHOOK_DELIVERY_QUEUE,
  OUTBOX_SWEEP_QUEUE,
  DELIVERY_LOG_PRUNE_QUEUE,
];
