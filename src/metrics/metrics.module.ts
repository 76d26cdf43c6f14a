import { Module } from '@nestjs/common';
import { MetricsServer } from './metrics-server';
import { SharedStateMetrics } from './shared-state-metrics';

/**
 * Prometheus metrics of every process (CoreModule imports it): the METRICS_PORT listener and the
 * scrape-time gauges. The timer of API requests (`timeHttpRequests`, two Fastify hooks for
 * /api/v1) is added by configureHttpApp, so only processes that serve HTTP run it, and
 * none with METRICS_PORT 0: nobody could read it (bench/metrics-overhead.ts compares the two).
 */
@Module({ providers: [MetricsServer, SharedStateMetrics], exports: [MetricsServer] })
export class MetricsModule {}
