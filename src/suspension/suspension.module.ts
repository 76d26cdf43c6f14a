import { Module } from '@nestjs/common';
import { SuspensionService } from './suspension.service';

@Module({
  providers: [SuspensionService],
  exports: [SuspensionService],
})
export class SuspensionModule {}
