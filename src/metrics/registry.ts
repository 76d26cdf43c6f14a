import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * The one registry of a process: what `GET /metrics` on METRICS_PORT exports. Metrics are defined
 * at module level (recording is a plain function call, nothing to inject on the hot paths); the
 * values that need the database or Redis are read at scrape time (SharedStateMetrics, src/redis/).
 */
export const metricsRegistry = new Registry();

let processMetricsCollected = false;

/**
 * prom-client's default metrics (process_cpu_seconds_total, nodejs_eventloop_lag_seconds, heap
 * and GC figures, ...). Their collectors sample the event loop and observe GC all the time, so
 * they start only where metrics are served (METRICS_PORT is not 0); once per process, however
 * many applications it boots (the e2e tests boot several).
 */
export function collectProcessMetrics(): void {
  if (processMetricsCollected) return;
  processMetricsCollected = true;
  collectDefaultMetrics({ register: metricsRegistry });
}
