import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ConfigError } from '../config/load-config';
import { collectProcessMetrics, metricsRegistry } from './registry';

/**
 * `GET /metrics` on METRICS_PORT, in every process whatever its role: a listener of its own, so the
 * public API port never exposes it and a worker (which has no HTTP server) is scraped the same way.
 */
@Injectable()
export class MetricsServer implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private server: Server | undefined;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** The port it listens on (METRICS_PORT), or undefined when metrics are off. */
  get port(): number | undefined {
    return (this.server?.address() as AddressInfo | null)?.port;
  }

  async onModuleInit(): Promise<void> {
    if (this.config.metricsPort === 0) return;
    collectProcessMetrics();
    const server = createServer((request, response) => void this.answer(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          error.code === 'EADDRINUSE'
            ? new ConfigError([
                `METRICS_PORT ${this.config.metricsPort} is in use: give every process on this host its own METRICS_PORT, or 0 to turn metrics off`,
              ])
            : error,
        ),
      );
      server.listen(this.config.metricsPort, () => resolve());
    });
    this.server = server;
    this.logger.log(`Prometheus metrics at http://localhost:${this.port}/metrics`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found: GET /metrics\n');
      return;
    }
    try {
      const body = await metricsRegistry.metrics();
      response.writeHead(200, { 'Content-Type': metricsRegistry.contentType });
      response.end(request.method === 'HEAD' ? undefined : body);
    } catch (error) {
      // Queue depth or outbox backlog could not be read (Redis or MySQL down): a failed scrape
      // (Prometheus's `up` turns 0) says so, where zeros would say all is well.
      this.logger.warn(`metrics could not be collected: ${(error as Error).message}`);
      response
        .writeHead(503, { 'Content-Type': 'text/plain' })
        .end(`metrics could not be collected: ${(error as Error).message}\n`);
    }
  }
}
