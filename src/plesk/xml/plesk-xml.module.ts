import { Module } from '@nestjs/common';
import { AuthModule } from '../../auth/auth.module';
import { CustomersModule } from '../../customers/customers.module';
import { SubscriptionsModule } from '../../subscriptions/subscriptions.module';
import { PleskModule } from '../rest/plesk.module';
import { AgentAuthentication } from './agent-authentication';
import { CustomerLookup } from './customer-lookup';
import { CustomerOperator } from './customer.operator';
import { PleskAgent } from './plesk-agent';
import { SecretKeyOperator } from './secret-key.operator';
import { ServerOperator } from './server.operator';
import { WebspaceLookup } from './webspace-lookup';
import { WebspaceOperator } from './webspace.operator';

/** `agent.php`: Plesk's XML API over the same services as /api/v1 (served by servePleskXmlApi). */
@Module({
  imports: [AuthModule, CustomersModule, SubscriptionsModule, PleskModule],
  providers: [
    PleskAgent,
    AgentAuthentication,
    CustomerLookup,
    WebspaceLookup,
    ServerOperator,
    CustomerOperator,
    WebspaceOperator,
    SecretKeyOperator,
  ],
})
export class PleskXmlModule {}
