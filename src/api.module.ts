import { Module } from '@nestjs/common';
import { AuditController } from './audit/audit.controller';
import { AuditModule } from './audit/audit.module';
import { ApiKeysController } from './auth/api-keys.controller';
import { AuthController } from './auth/auth.controller';
import { AuthModule } from './auth/auth.module';
import { BulkController } from './bulk/bulk.controller';
import { BulkModule } from './bulk/bulk.module';
import { JobsController } from './bulk/jobs.controller';
import { AccountController } from './customers/account.controller';
import { CustomersController } from './customers/customers.controller';
import { CustomersModule } from './customers/customers.module';
import { DomainsController } from './domains/domains.controller';
import { DomainsModule } from './domains/domains.module';
import { HealthModule } from './health/health.module';
import { MaintenanceQueueModule } from './maintenance';
import { PanelModule } from './panel/panel.module';
import { PleskModule } from './plesk/rest/plesk.module';
import { PleskXmlModule } from './plesk/xml/plesk-xml.module';
import { QueuesDashboardModule } from './queues-dashboard/queues-dashboard.module';
import { SubscriptionsController } from './subscriptions/subscriptions.controller';
import { SubscriptionsModule } from './subscriptions/subscriptions.module';
import { EventTypesController } from './events/event-types.controller';
import { APP_EVENT_CATALOG } from './event-catalog';
import { EVENT_CATALOG } from './events/event-catalog';
import { WebhooksController } from './webhooks/webhooks.controller';
import { WebhooksModule } from './webhooks/webhooks.module';

/** The HTTP side: controllers (and the panel) over the shared feature modules. */
@Module({
  imports: [
    AuthModule,
    CustomersModule,
    HealthModule,
    BulkModule,
    WebhooksModule,
    SubscriptionsModule,
    DomainsModule,
    AuditModule,
    PanelModule,
    PleskModule,
    PleskXmlModule,
    QueuesDashboardModule,
    // Shown on the queue dashboard.
    MaintenanceQueueModule,
  ],
  controllers: [
    AuthController,
    CustomersController,
    AccountController,
    BulkController,
    JobsController,
    WebhooksController,
    EventTypesController,
    SubscriptionsController,
    DomainsController,
    AuditController,
    ApiKeysController,
  ],
  providers: [{ provide: EVENT_CATALOG, useValue: APP_EVENT_CATALOG }],
})
export class ApiModule {}
