import { Inject, MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { timeHttpRequest } from './http-metrics';
import { MetricsServer } from './metrics-server';
import { SharedStateMetrics } from './shared-state-metrics';

/**
 * Prometheus metrics of every process (CoreModule imports it): the METRICS_PORT listener, the
 * scrape-time gauges, and, where the process serves HTTP, the timer of API requests (under the
 * /api/v1 prefix, like the request log). An application context (PROCESS_ROLE=worker) has no
 * middleware, so the timer only runs in API processes. With METRICS_PORT 0 nothing is timed or
 * sampled: nobody could read it (bench/metrics-overhead.ts compares the two).
 */
@Module({ providers: [MetricsServer, SharedStateMetrics], exports: [MetricsServer] })
export class MetricsModule implements NestModule {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  configure(consumer: MiddlewareConsumer): void {
    if (this.config.metricsPort === 0) return;
    consumer.apply(timeHttpRequest).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}
