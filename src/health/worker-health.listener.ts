import { once } from 'node:events';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Readiness } from './readiness';

/**
 * A worker-only process has no API port: with HEALTH_PORT set it answers `GET /health/live` and
 * `GET /health/ready` there, the same checks as the API's, so an orchestrator can see a worker
 * that paused for a database outage. Processes that serve the API answer on the API port instead.
 */
@Injectable()
export class WorkerHealthListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerHealthListener.name);
  private server: Server | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly readiness: Readiness,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.processRole !== 'worker' || this.config.healthPort === 0) return;
    this.server = createServer((request, response) => void this.answer(request, response));
    this.server.listen(this.config.healthPort);
    await once(this.server, 'listening');
    this.logger.log(`health on http://localhost:${this.config.healthPort}/health/ready`);
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '').split('?')[0];
    if (request.method === 'GET' && path === '/health/live') {
      return send(response, 200, { status: 'ok' });
    }
    if (request.method === 'GET' && path === '/health/ready') {
      const { ready, report } = await this.readiness.check();
      return send(response, ready ? 200 : 503, report);
    }
    send(
      response,
      404,
      {
        type: '/problems/not-found',
        title: 'Not found.',
        status: 404,
        detail: 'There is nothing at this address.',
      },
      'application/problem+json',
    );
  }
}

function send(response: ServerResponse, status: number, body: unknown, type = 'application/json') {
  response.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  response.end(JSON.stringify(body));
}
