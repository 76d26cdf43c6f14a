import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { SuspensionService } from './suspension.service';

@Module({
  imports: [AuthModule],
  providers: [SuspensionService],
  exports: [SuspensionService],
})
export class SuspensionModule {}
