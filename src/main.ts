import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { ensureFirstAdministrator } from './auth/first-administrator';
import { ConfigError, loadConfig, redactUrl } from './config/load-config';
import { prepareDatabase } from './database/prepare-database';
import { configureHttpApp, createHttpAdapter } from './http-app';

/**
 * A stop that takes longer than this is cut short, with a line saying so: a graceful close can wait
 * on a server that went away during it. Under Kubernetes' 30 s grace period, so the process ends
 * by itself rather than by SIGKILL.
 */
const SHUTDOWN_DEADLINE_MS = 25_000;

function limitShutdown(): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    process.once(signal, () => {
      setTimeout(() => {
        process.stderr.write(
          `clientele did not stop within ${SHUTDOWN_DEADLINE_MS / 1000} s of ${signal} (is Redis or MySQL unreachable?): exiting now\n`,
        );
        process.exit(1);
      }, SHUTDOWN_DEADLINE_MS).unref();
    });
}

async function bootstrap(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig(process.env);

  const { migrated } = await prepareDatabase({ url: config.databaseUrl, poolMax: 2 }, (orm) =>
    ensureFirstAdministrator(orm, config.adminUsername, config.adminPassword),
  );
  if (migrated.length > 0) process.stdout.write(`Applied migrations: ${migrated.join(', ')}\n`);

  if (config.processRole === 'worker') {
    const app = await NestFactory.createApplicationContext(AppModule.forRole(config), {
      bufferLogs: true,
    });
    app.useLogger(app.get(Logger));
    app.enableShutdownHooks();
    limitShutdown();
    app.get(Logger).log(`clientele worker started (queues under "${config.redisPrefix}")`);
    return;
  }

  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRole(config),
    createHttpAdapter(config),
    { bodyParser: false, bufferLogs: true },
  );
  app.useLogger(app.get(Logger));
  await configureHttpApp(app, config);
  limitShutdown();
  // Every interface, as Node listens by default: IPv6 and IPv4 where the host has IPv6.
  await app.listen(config.port, '::').catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EAFNOSUPPORT' && error.code !== 'EADDRNOTAVAIL') throw error;
    return app.listen(config.port, '0.0.0.0');
  });
  app
    .get(Logger)
    .log(
      `clientele ${config.processRole === 'all' ? 'API and worker' : 'API'} listening on http://localhost:${config.port} (database ${redactUrl(config.databaseUrl)})`,
    );
}

bootstrap().catch((error: unknown) => {
  const code = (error as NodeJS.ErrnoException).code;
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\nSee .env.example for every variable.\n`);
  } else if (code === 'EADDRINUSE') {
    process.stderr.write(
      `clientele could not listen: port ${process.env.PORT ?? 3000} is in use. Stop the other process or set PORT.\n`,
    );
  } else if (code === 'ECONNREFUSED') {
    process.stderr.write(
      `clientele could not reach MySQL or Redis (${(error as Error).message}). Check DATABASE_URL and REDIS_URL, and that the servers run.\n`,
    );
  } else {
    process.stderr.write(
      `clientele failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exit(1);
});
