import { Module } from '@nestjs/common';
import { AuthController } from './auth/auth.controller';
import { AuthModule } from './auth/auth.module';
import { BulkController } from './bulk/bulk.controller';
import { BulkModule } from './bulk/bulk.module';
import { JobsController } from './bulk/jobs.controller';
import { AccountController } from './customers/account.controller';
import { CustomersController } from './customers/customers.controller';
import { CustomersModule } from './customers/customers.module';
import { HealthModule } from './health/health.module';

/** The HTTP side: controllers (and the panel) over the shared feature modules. */
@Module({
  imports: [AuthModule, CustomersModule, HealthModule, BulkModule],
  controllers: [AuthController, CustomersController, AccountController, BulkController, JobsController],
})
export class ApiModule {}
