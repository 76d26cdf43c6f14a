import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { BULL_BOARD_ADAPTER, BullBoardModule } from '@bull-board/nestjs';
import { Inject, Module } from '@nestjs/common';
import { AuthGuard } from '../auth/auth.guard';
import { AuthModule } from '../auth/auth.module';
import { DEPLOYMENT_QUEUES } from '../metrics/deployment-queues';
import { QueuesDashboardAccess } from './queues-dashboard-access';

/** Where the dashboard lives; outside /api/v1 (http-app.ts leaves it out of the global prefix). */
export const QUEUES_DASHBOARD_PATH = 'admin/queues';

/** Gives Bull Board's router the AuthGuard for its middleware. */
@Module({ imports: [AuthModule], providers: [AuthGuard], exports: [AuthGuard] })
class QueuesDashboardAuthModule {}

/**
 * BullMQ's dashboard (Bull Board) at /admin/queues for administrators, in API processes: every
 * queue of the deployment under its REDIS_PREFIX (the queues this process registered). Read-only:
 * MySQL holds the state of bulk jobs and deliveries, and BullMQ jobs only wake the workers, so
 * retrying, promoting or removing a job by hand would go around the service's own rules.
 */
@Module({
  imports: [
    BullBoardModule.forRootAsync({
      imports: [QueuesDashboardAuthModule],
      useFactory: () => ({
        route: `/${QUEUES_DASHBOARD_PATH}`,
        adapter: ExpressAdapter,
        middleware: QueuesDashboardAccess,
        boardOptions: { uiConfig: { boardTitle: 'clientele queues' } },
      }),
    }),
    BullBoardModule.forFeature(
      ...DEPLOYMENT_QUEUES.map((name) => ({
        name,
        adapter: BullMQAdapter,
        options: { readOnlyMode: true },
      })),
    ),
  ],
})
export class QueuesDashboardModule {
  constructor(@Inject(BULL_BOARD_ADAPTER) adapter: ExpressAdapter) {
    // Bull Board's router is an Express app of its own; like the API, it does not name itself.
    adapter.getRouter().disable('x-powered-by');
  }
}
