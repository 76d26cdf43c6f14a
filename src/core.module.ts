import type { IncomingMessage } from 'node:http';
import { DynamicModule, Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { LoggerModule } from 'nestjs-pino';
import pino, { DestinationStream } from 'pino';
import { redactKeyInPath } from './auth/log-redaction';
import { requestBinding } from './common/request-scope';
import pinoPretty from 'pino-pretty';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseAvailabilityModule } from './database/database-availability.module';
import { buildOrmOptions } from './database/mikro-orm.options';
import { MetricsModule } from './metrics/metrics.module';
import { BULL_CLUSTER_CLIENT, bullConnection, RedisModule } from './redis/redis.module';
import type { RedisClient } from './redis/redis-client';
import { SharedStateMetrics } from './redis/shared-state-metrics';

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

/** The process's logger: its serialisers and redaction apply to every line, request lines included. */
function rootLogger(config: AppConfig, options: RootOptions): pino.Logger {
  const root: pino.Logger = pino(
    {
      // A line written during a request through the root (every Nest logger) names that request;
      // the request's own logger (`req.log`) has its `reqId` bound already.
      mixin: (_line, _level, logger) => (logger === root ? requestBinding() : {}),
      level: config.logLevel,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: {
        req: (req: IncomingMessage) => redactKeyInPath(pino.stdSerializers.req(req)),
        // `res` needs none: the request log writes it as `{statusCode, headers}` (request-log.ts).
        err: pino.stdSerializers.err,
      },
    },
    logDestination(config, options),
  );
  return root;
}

/** The process's root pino logger (configureHttpApp opens each request's scope with it). */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

export interface RootOptions {
  /** Where logs go (stdout by default); tests capture them to prove secrets never appear. */
  logStream?: DestinationStream;
}

/** Infrastructure every process needs: configuration, logging, metrics, MySQL, Redis and BullMQ. */
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig, options: RootOptions = {}): DynamicModule {
    const logger = rootLogger(config, options);
    return {
      module: CoreModule,
      providers: [{ provide: ROOT_LOGGER, useValue: logger }, SharedStateMetrics],
      exports: [ROOT_LOGGER],
      imports: [
        ConfigModule.forRoot(config),
        // configureHttpApp opens each request's log and ORM context in one Fastify hook
        // (src/common/request-scope.ts). nestjs-pino only hands the root logger to Nest's
        // loggers: its middleware, which would need @fastify/middie on every request, is not
        // applied to any route, and MikroORM adds no middleware of its own.
        LoggerModule.forRoot({ useExisting: true, forRoutes: [], pinoHttp: { logger } }),
        MikroOrmModule.forRoot({
          ...buildOrmOptions({ url: config.databaseUrl, poolMax: config.databasePoolMax }),
          registerRequestContext: false,
        }),
        RedisModule,
        // Workers start in DatabaseAvailabilityModule, which wraps every processor first.
        BullModule.forRootAsync({
          inject: [BULL_CLUSTER_CLIENT],
          useFactory: (cluster: RedisClient | null) => bullConnection(config, cluster ?? undefined),
          extraOptions: { manualRegistration: true },
        }),
        DatabaseAvailabilityModule,
        MetricsModule,
      ],
    };
  }
}
