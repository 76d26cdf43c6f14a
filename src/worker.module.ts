import { Module } from '@nestjs/common';

/** The queue side: BullMQ processors and repeatable schedulers over the shared feature modules. */
@Module({
  imports: [],
})
export class WorkerModule {}
