import { Module } from '@nestjs/common';
import { AuthModule } from '../../auth/auth.module';
import { CustomersModule } from '../../customers/customers.module';
import { DomainsModule } from '../../domains/domains.module';
import { PleskAuthGuard } from './plesk-auth.guard';
import { PleskClients } from './plesk-clients.service';
import { PleskClientsController } from './plesk-clients.controller';
import { PleskKeysController } from './plesk-keys.controller';

/** `/api/v2`: Plesk's REST API v2 for customer accounts, over the same services as /api/v1. */
@Module({
  imports: [AuthModule, CustomersModule, DomainsModule],
  providers: [PleskClients, PleskAuthGuard],
  // The fallback last: it answers whatever the others do not.
  controllers: [PleskClientsController, PleskKeysController],
  exports: [PleskClients],
})
export class PleskModule {}
