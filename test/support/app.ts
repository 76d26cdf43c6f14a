import { Test } from '@nestjs/testing';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { EntityManager, MikroORM } from '@mikro-orm/mysql';
import type { DestinationStream } from 'pino';
import request from 'supertest';
import type { App } from 'supertest/types';
import { AppModule } from '../../src/app.module';
import { AppConfig } from '../../src/config/app-config';
import { configureHttpApp, createHttpAdapter } from '../../src/http-app';
import { ADMIN, resetTestData, testConfig } from './database';
import { checkSuccessfulAnswers } from './openapi-contract';
import { trackOpen } from './open-resources';

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  orm: MikroORM;
  /** A fresh EntityManager for checking the database directly. */
  em(): EntityManager;
  http(): ReturnType<typeof request>;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Empty the database and Redis keys first (default). False: join the data of an app already running. */
  reset?: boolean;
  logStream?: DestinationStream;
}

/**
 * Boots the real application (same modules and HTTP setup as main.ts) on this spec file's freshly
 * emptied database and Redis prefix. Pass environment overrides as in `.env`.
 */
export async function startTestApp(
  overrides: Record<string, string> = {},
  options: StartOptions = {},
): Promise<TestApp> {
  const config = testConfig(overrides);
  if (options.reset !== false) await resetTestData(config);
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.forRole(config, { logStream: options.logStream })],
  }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createHttpAdapter(config), {
    bodyParser: false,
    logger: ['error'],
  });
  // Registered before init: an app whose init fails has opened pools and queues all the same.
  const close = trackOpen(`application (PROCESS_ROLE=${config.processRole})`, () => app.close());
  try {
    await configureHttpApp(app, config);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  } catch (error) {
    await close().catch(() => undefined); // the init error is the one worth reporting
    throw error;
  }
  const orm = app.get<MikroORM>(MikroORM);
  const test: TestApp = {
    app,
    config,
    orm,
    em: () => orm.em.fork(),
    http: () => request(app.getHttpServer() as App),
    close,
  };
  checkSuccessfulAnswers(test);
  return test;
}

/** Logs in and returns the bearer token. */
export async function login(test: TestApp, username: string, password: string): Promise<string> {
  const response = await test
    .http()
    .post('/api/v1/auth/login')
    .send({ username, password })
    .expect(200);
  return (response.body as { accessToken: string }).accessToken;
}

export const loginAdmin = (test: TestApp) => login(test, ADMIN.username, ADMIN.password);

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
