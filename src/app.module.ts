import { DynamicModule, Module } from '@nestjs/common';
import { ApiModule } from './api.module';
import { AppConfig } from './config/app-config';
import { CoreModule, RootOptions } from './core.module';
import { WorkerModule } from './worker.module';

/** The root of one process: the API, the worker, or both (`PROCESS_ROLE`). */
@Module({})
export class AppModule {
  static forRole(config: AppConfig, options: RootOptions = {}): DynamicModule {
    const runsApi = config.processRole !== 'worker';
    const runsWorker = config.processRole !== 'api';
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(config, options),
        ...(runsApi ? [ApiModule] : []),
        ...(runsWorker ? [WorkerModule] : []),
      ],
    };
  }
}
