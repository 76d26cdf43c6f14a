import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { LoggerModule } from 'nestjs-pino';
import pino, { DestinationStream } from 'pino';
import { redactKeyInPath } from './auth/log-redaction';
import pinoPretty from 'pino-pretty';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseAvailabilityModule } from './database/database-availability.module';
import { buildOrmOptions } from './database/mikro-orm.options';
import { MetricsModule } from './metrics/metrics.module';
import { bullConnection, RedisModule } from './redis/redis.module';

/** Secrets that never reach a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.adminPassword',
  '*.accessToken',
  '*.csrfToken',
  '*.token',
  '*.secret',
  '*.secrets',
  '*.key',
  '*.apiKey',
  '*.secretEncryptionKey',
];

/**
 * JSON lines in production; readable lines for a person (NODE_ENV=development, or a terminal).
 * Either way the same redaction applies: pino redacts before a line reaches its stream.
 */
function logDestination(config: AppConfig, options: RootOptions): DestinationStream {
  if (options.logStream) return options.logStream;
  const terminal = process.stdout.isTTY === true;
  if (config.nodeEnv === 'development' || terminal)
    return pinoPretty({
      colorize: terminal,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname',
    });
  return pino.destination(1);
}

export interface RootOptions {
  /** Where logs go (stdout by default); tests capture them to prove secrets never appear. */
  logStream?: DestinationStream;
}

/** Infrastructure every process needs: configuration, logging, metrics, MySQL, Redis and BullMQ. */
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig, options: RootOptions = {}): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({
          forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }], // Express 5 route syntax
          pinoHttp: [
            {
              level: config.logLevel,
              redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
              autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/health') },
              quietReqLogger: true,
              serializers: { req: redactKeyInPath },
            },
            logDestination(config, options),
          ],
        }),
        MikroOrmModule.forRoot({
          ...buildOrmOptions({ url: config.databaseUrl, poolMax: config.databasePoolMax }),
          registerRequestContext: true,
          forRoutesPath: '{*all}', // path-to-regexp 8 syntax (Express 5)
        }),
        RedisModule,
        // Workers start in DatabaseAvailabilityModule, which wraps every processor first.
        BullModule.forRoot({
          ...bullConnection(config),
          extraOptions: { manualRegistration: true },
        }),
        DatabaseAvailabilityModule,
        MetricsModule,
      ],
    };
  }
}
