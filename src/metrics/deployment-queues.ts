import {
  BULK_QUEUE,
  DELIVERY_RETENTION_QUEUE,
  DELIVERY_SWEEP_QUEUE,
  MAINTENANCE_QUEUE,
  WEBHOOK_DELIVERY_QUEUE,
} from '../queues';

/** Every BullMQ queue of a deployment (under its REDIS_PREFIX): measured, and shown on the dashboard. */
export const DEPLOYMENT_QUEUES: readonly string[] = [
  BULK_QUEUE,
  MAINTENANCE_QUEUE,
  WEBHOOK_DELIVERY_QUEUE,
  DELIVERY_SWEEP_QUEUE,
  DELIVERY_RETENTION_QUEUE,
];
