import { Counter, Histogram } from 'prom-client';
import { metricsRegistry } from './registry';

const OUTCOMES = ['succeeded', 'failed'] as const;

const deliveries = new Counter({
  name: 'clientele_webhook_deliveries_total',
  help: 'Webhook delivery attempts by outcome: succeeded (a 2xx) or failed (any other answer, no answer, or a timeout; retried on the schedule).',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

// Every series exists from the start, so rate() and increase() in alert rules see the first failure.
for (const outcome of OUTCOMES) deliveries.inc({ outcome }, 0);

const commitToDelivered = new Histogram({
  name: 'clientele_webhook_delivery_seconds',
  help: "From an event's commit to its endpoint's 2xx, retries included.",
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 7200, 86400],
  registers: [metricsRegistry],
});

// Bodies are built by the relay as {"type":...,"timestamp":"<ISO 8601>","data":...}: reading the
// timestamp from its fixed place costs nothing, parsing a whole body per delivery would.
const TIMESTAMP = '"timestamp":"';

/** When the event of a Standard Webhooks body (as the relay builds it) was committed. */
export function committedAtOf(body: string): Date {
  const start = body.indexOf(TIMESTAMP);
  if (start < 0) return new Date(NaN);
  const from = start + TIMESTAMP.length;
  return new Date(body.slice(from, body.indexOf('"', from)));
}

/** One attempt to deliver an event (committed at `committedAt`) to one endpoint. */
export function recordWebhookAttempt(succeeded: boolean, committedAt: Date): void {
  deliveries.inc({ outcome: succeeded ? 'succeeded' : 'failed' });
  const committed = committedAt.getTime();
  if (succeeded && Number.isFinite(committed))
    commitToDelivered.observe(Math.max(0, (Date.now() - committed) / 1000));
}
