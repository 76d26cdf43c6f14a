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

/** The label of requests that no declared route answered (404s). */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Nest mounts path-bound middleware (the request logger, MikroORM's request context) as catch-all routes
 * (`/api/v1/{*path}`): a request that reaches no controller still carries one of those.
 */
const MIDDLEWARE_CATCH_ALL = /\{\*\w+\}$/;

/**
 * The route as declared (`/api/v1/customers/:id`), which Express sets on the request when a route
 * handles it; never the raw path, so ids never become label values.
 */
function routeOf(request: Request): string {
  const path = (request.route as { path?: unknown } | undefined)?.path;
  if (typeof path !== 'string' || MIDDLEWARE_CATCH_ALL.test(path)) return UNMATCHED_ROUTE;
  return request.baseUrl + path;
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
