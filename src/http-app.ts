import { INestApplication, Logger as NestLogger, RequestMethod } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import express, { NextFunction, Request, Response } from 'express';
import { API_KEY_SCHEME, offerApiKeyBesideBearer } from './auth/api-key-openapi';
import { AppConfig } from './config/app-config';
import {
  answerError,
  ProblemDetailsFilter,
  writeProblemDetails,
} from './common/problem-details.filter';
import { MikroORM } from '@mikro-orm/core';
import { ROOT_LOGGER } from './core.module';
import { limitJsonDepth } from './common/json-depth';
import { requestScope } from './common/request-scope';
import { timeHttpRequest } from './metrics/http-metrics';
import { createValidationPipe } from './common/validation';
import { answerClientErrorsAsProblems, requireHost } from './common/client-error';
import { refineOpenApiDocument } from './common/openapi-refinements';
import { docsSecurityHeaders, noSniff } from './common/security-headers';
import { refuseMalformedText, refuseMalformedUtf8 } from './common/well-formed-text';
import { PLESK_PREFIX } from './plesk/plesk-api';
import { writePleskError } from './plesk/plesk-error.filter';
import { QUEUES_DASHBOARD_PATH } from './queues-dashboard/queues-dashboard.module';
import { addEventWebhooks } from './webhooks/event-webhooks.openapi';

export const API_PREFIX = 'api/v1';
export const BODY_LIMIT = '1mb';

/**
 * Everything about the HTTP application that is not a module: body parsing with its limits,
 * problem details for every error, validation, the /api/v1 prefix and the OpenAPI document.
 * Shared by main.ts and the e2e tests so both serve exactly the same API.
 */
export function configureHttpApp(app: NestExpressApplication, config: AppConfig): void {
  const logger = new NestLogger('Http');
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  answerClientErrorsAsProblems(app.getHttpServer());
  // The API's requests (not health probes or the docs), first, so it times everything after it; a
  // plain middleware (a Nest one costs a route match and an async wrapper per request). Not
  // mounted at all when metrics are off.
  if (config.metricsPort !== 0) app.use(`/${API_PREFIX}`, timeHttpRequest);
  app.use(noSniff);
  app.use(requireHost);
  app.use('/api/docs', docsSecurityHeaders);
  app.use(
    express.json({
      limit: BODY_LIMIT,
      type: ['application/json', 'application/*+json'],
      strict: true,
      verify: refuseMalformedUtf8,
    }),
  );
  app.use(limitJsonDepth);
  app.use(refuseMalformedText);
  // Errors of the body parser (malformed JSON or encoding, too large) become problem details too,
  // or Plesk's `{code, message}` under /api/v2.
  app.use((error: unknown, request: Request, response: Response, next: NextFunction) => {
    if (!error) return next();
    const plesk = request.originalUrl.startsWith(`/${PLESK_PREFIX}/`);
    answerError(error, request, response, logger, plesk ? writePleskError : writeProblemDetails);
  });
  app.use(cookieParser());
  app.use(requestScope(app.get(ROOT_LOGGER), app.get(MikroORM)));
  // API answers are per principal and change without notice (counts, status): never cached, so a
  // conditional GET can never serve stale data behind an ETag that only versions the edit.
  app.use(
    [`/${API_PREFIX}`, `/${PLESK_PREFIX}`],
    (_request: Request, response: Response, next: NextFunction) => {
      response.setHeader('Cache-Control', 'no-store');
      next();
    },
  );
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.useGlobalPipes(createValidationPipe());
  useApiPrefix(app);
  app.enableShutdownHooks();

  SwaggerModule.setup('api/docs', app, createOpenApiDocument(app), {
    jsonDocumentUrl: 'api/docs-json',
    useGlobalPrefix: false,
  });
}

/** Every route under /api/v1 but the health checks, the Plesk-compatible /api/v2 and the queue dashboard. */
export function useApiPrefix(app: INestApplication): void {
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      'health/live',
      'health/ready',
      { path: `${PLESK_PREFIX}/{*path}`, method: RequestMethod.ALL },
      `${QUEUES_DASHBOARD_PATH}{/*path}`,
    ],
  });
}

/** The OpenAPI document of the API; also written to openapi.json by `npm run openapi`. */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('clientele')
      .setDescription(
        'Customer accounts of a web hosting platform: customers, subscriptions, domains, suspension, bulk jobs and webhooks. Errors are RFC 9457 problem details (Plesk-style `{code, message}` under /api/v2).',
      )
      .setVersion('1')
      .addBearerAuth({
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'opaque',
        description:
          'The opaque `accessToken` of POST /api/v1/auth/login (not a JWT: it means nothing outside this service), or an API key.',
      })
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, API_KEY_SCHEME)
      .addBasicAuth({ type: 'http', scheme: 'basic' }, 'basic')
      .build(),
  );
  offerApiKeyBesideBearer(document);
  addEventWebhooks(document);
  return refineOpenApiDocument(document);
}
