import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import fastifyAccepts from '@fastify/accepts';
import { getQueueToken } from '@nestjs/bullmq';
import { Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost, ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { AuthModule } from '../auth/auth.module';
import { pageRoutes } from '../common/security-headers';
import { DEPLOYMENT_QUEUES } from '../queues';
import { QueuesDashboardAccess } from './queues-dashboard-access';

/** Where the dashboard lives; outside /api/v1 (http-app.ts leaves it out of the global prefix). */
export const QUEUES_DASHBOARD_PATH = 'admin/queues';

/**
 * BullMQ's dashboard (Bull Board) at /admin/queues for administrators, in API processes: every
 * queue of the deployment under its REDIS_PREFIX (the queues this process registered). Read-only:
 * MySQL holds the state of bulk jobs and deliveries, and BullMQ jobs only wake the workers, so
 * retrying, promoting or removing a job by hand would go around the service's own rules.
 *
 * Its routes are a Fastify plugin of Bull Board's, mounted in a scope of their own with the
 * page's security headers (helmet, its CSP in common/security-headers.ts) and whose `onRequest`
 * hook is QueuesDashboardAccess: the API's requests pay nothing for it.
 */
@Module({ imports: [AuthModule], providers: [QueuesDashboardAccess] })
export class QueuesDashboardModule implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly moduleRef: ModuleRef,
    private readonly access: QueuesDashboardAccess,
  ) {}

  onModuleInit(): void {
    const prefix = `/${QUEUES_DASHBOARD_PATH}`;
    const board = new FastifyAdapter();
    board.setBasePath(prefix);
    createBullBoard({
      queues: DEPLOYMENT_QUEUES.map(
        (name) =>
          new BullMQAdapter(this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }), {
            readOnlyMode: true,
          }),
      ),
      serverAdapter: board,
      options: { uiConfig: { boardTitle: 'clientele queues' } },
    });
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    void fastify.register(
      async (scope) => {
        scope.addHook('onRoute', pageRoutes('queuesDashboard'));
        await scope.register(fastifyAccepts);
        scope.addHook('onRequest', (request, reply) => this.access.check(request, reply));
        await scope.register(board.registerPlugin());
      },
      { prefix },
    );
  }
}
