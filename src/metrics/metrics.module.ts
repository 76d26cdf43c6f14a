import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { timeHttpRequest } from './http-metrics';
import { MetricsServer } from './metrics-server';
import { SharedStateMetrics } from './shared-state-metrics';

/**
 * Prometheus metrics of every process (CoreModule imports it): the METRICS_PORT listener, the
 * scrape-time gauges, and, where the process serves HTTP, the timer of API requests (under the
 * /api/v1 prefix, like the request log). An application context (PROCESS_ROLE=worker) has no
 * middleware, so the timer only runs in API processes.
 */
@Module({ providers: [MetricsServer, SharedStateMetrics], exports: [MetricsServer] })
export class MetricsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(timeHttpRequest).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}
