import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { EventsModule } from '../events/events.module';
import { SuspensionModule } from '../suspension/suspension.module';
import { AccountService } from './account.service';
import { CustomerListReader } from './customer-list.reader';
import { CustomerRemoval } from './customer-removal.service';
import { CustomersService } from './customers.service';

@Module({
  imports: [AuthModule, EventsModule, SuspensionModule],
  providers: [CustomersService, AccountService, CustomerListReader, CustomerRemoval],
  exports: [CustomersService, AccountService, CustomerRemoval],
})
export class CustomersModule {}
