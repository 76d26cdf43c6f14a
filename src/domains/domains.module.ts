import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { SuspensionModule } from '../suspension/suspension.module';
import { DomainRegistration } from './domain-registration';
import { DomainsService } from './domains.service';

@Module({
  imports: [EventsModule, SuspensionModule],
  providers: [DomainsService, DomainRegistration],
  exports: [DomainsService, DomainRegistration],
})
export class DomainsModule {}
