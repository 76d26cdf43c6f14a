import { performance } from 'node:perf_hooks';
import type { NextFunction, Request, Response } from 'express';
import { Histogram } from 'prom-client';
import { metricsRegistry } from './registry';

const httpDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP requests by method, declared route (never raw ids) and status code.',
  labelNames: ['method', 'route', 'status_code'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

/** The label of requests that matched no declared route: panel files, the dashboard's assets, 404s. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * The route as declared (`/api/v1/customers/:id`), which Express sets on the request when a route
 * handles it; a router mounted under a path (the queue dashboard) adds its base.
 */
function routeOf(request: Request): string {
  const path = (request.route as { path?: unknown } | undefined)?.path;
  if (typeof path === 'string') return request.baseUrl + path;
  if (Array.isArray(path)) return request.baseUrl + path.join('|');
  return UNMATCHED_ROUTE;
}

/** Express middleware: times every request until its response is written. */
export function timeHttpRequest(request: Request, response: Response, next: NextFunction): void {
  const started = performance.now();
  response.once('finish', () =>
    httpDuration.observe(
      { method: request.method, route: routeOf(request), status_code: response.statusCode },
      (performance.now() - started) / 1000,
    ),
  );
  next();
}
