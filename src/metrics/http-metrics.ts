import { performance } from 'node:perf_hooks';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Histogram } from 'prom-client';
import { hasPathPrefix } from '../common/request-path';
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

declare module 'fastify' {
  interface FastifyRequest {
    /** When the request arrived, for http_request_duration_seconds. */
    startedAt?: number;
  }
}

/**
 * The route as declared (`/api/v1/customers/:id`), which Fastify keeps for the route that answered;
 * never the raw path, so ids never become label values.
 */
function routeOf(request: FastifyRequest): string {
  return request.is404 ? UNMATCHED_ROUTE : (request.routeOptions.url ?? UNMATCHED_ROUTE);
}

/** Times every request under `prefix` until its response is written. */
export function timeHttpRequests(fastify: FastifyInstance, prefix: string): void {
  fastify.addHook('onRequest', (request, _reply, done) => {
    if (hasPathPrefix(request.url, prefix)) request.startedAt = performance.now();
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    if (request.startedAt !== undefined)
      httpDuration.observe(
        { method: request.method, route: routeOf(request), status_code: reply.statusCode },
        (performance.now() - request.startedAt) / 1000,
      );
    done();
  });
}
