import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * The one registry of a process: what `GET /metrics` on METRICS_PORT exports. Metrics are defined
 * at module level (recording is a plain function call, nothing to inject on the hot paths); the
 * values that need the database or Redis are read at scrape time (SharedStateMetrics).
 */
export const metricsRegistry = new Registry();

// process_cpu_seconds_total, nodejs_eventloop_lag_seconds, heap and GC figures, ...
collectDefaultMetrics({ register: metricsRegistry });
