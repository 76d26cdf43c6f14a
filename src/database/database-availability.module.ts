import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { DatabaseAvailability } from './database-availability';
import { QueueWorkers } from './queue-workers';

/** Starts this process's BullMQ workers and pauses them while the database is unreachable. */
@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [QueueWorkers, DatabaseAvailability],
  exports: [DatabaseAvailability],
})
export class DatabaseAvailabilityModule {}
