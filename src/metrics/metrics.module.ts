import { Module } from '@nestjs/common';
import { MetricsServer } from './metrics-server';

/**
 * Prometheus metrics of every process (CoreModule imports it): the METRICS_PORT listener. The
 * scrape-time gauges of Redis and the outbox (src/redis/shared-state-metrics.ts) are CoreModule's
 * own provider, so this folder stays below redis/. The timer of API requests
 * (`timeHttpRequests`, two Fastify hooks for /api/v1) is added by configureHttpApp, so only processes that serve HTTP run it, and
 * none with METRICS_PORT 0: nobody could read it (bench/metrics-overhead.ts compares the two).
 */
@Module({ providers: [MetricsServer], exports: [MetricsServer] })
export class MetricsModule {}
