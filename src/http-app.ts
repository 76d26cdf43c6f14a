import { INestApplication, RequestMethod } from '@nestjs/common';
import fastifyCookie from '@fastify/cookie';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { MikroORM } from '@mikro-orm/core';
import { API_KEY_SCHEME, offerApiKeyBesideBearer } from './auth/api-key-openapi';
import { AppConfig } from './config/app-config';
import { ROOT_LOGGER } from './core.module';
import { answerClientError, prepareNodeServer, requireHost } from './common/client-error';
import { decompressBodies } from './common/body-decompression';
import { leaveOtherBodiesUnread, parseJsonBodies, refuseUnreadableInput } from './common/json-body';
import { refineOpenApiDocument } from './common/openapi-refinements';
import { pathOf } from './common/request-path';
import { requestScope } from './common/request-scope';
import { securityHeaders } from './common/security-headers';
import { createValidationPipe } from './common/validation';
import { BadRequest } from './common/domain-errors';
import { ProblemDetailsFilter } from './common/problem-details.filter';
import { writePleskError } from './plesk/rest/plesk-error.filter';
import { timeHttpRequests } from './metrics/http-metrics';
import { PLESK_PREFIX } from './plesk/rest/plesk-api';
import { servePleskXmlApi } from './plesk/xml/agent-endpoint';
import { QUEUES_DASHBOARD_PATH } from './queues-dashboard/queues-dashboard.module';
import { addEventWebhooks } from './events/event-types.controller';
import { APP_EVENT_CATALOG } from './event-catalog';

export const API_PREFIX = 'api/v1';

/** One filter for every error, routed or not (body, hooks, 404): problem details under /api/v1, Plesk's `{code, message}` under /api/v2. */
const API_ERRORS = new ProblemDetailsFilter({ [`/${PLESK_PREFIX}/`]: writePleskError });
/** The limit of a request body, for every route (413 above it). */
export const BODY_LIMIT = 1024 * 1024;

/**
 * The HTTP server: Fastify, which Nest runs through @nestjs/platform-fastify. It routes and answers
 * a request for less CPU than Express 5 did: `GET /customers/{id}` went from 0.53 to 0.81 of the
 * raw baseline in bench/scale.ts.
 * Routing keeps Express's leniency, which clients may rely on: paths match case-insensitively and
 * with or without a trailing slash. Errors Node's parser meets before Fastify sees a request are
 * answered as problem details (`answerClientError`).
 */
export function createHttpAdapter(config: Pick<AppConfig, 'trustProxy'>): FastifyAdapter {
  return new FastifyAdapter({
    skipMiddie: true,
    trustProxy: config.trustProxy,
    bodyLimit: BODY_LIMIT,
    // A path parameter may be as long as the 16 KB of headers allow: a long id is refused by its
    // validation, naming the field, as any other wrong id.
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: 16_384 },
    // What the router refuses before any hook runs (malformed percent-encoding in the path):
    // problem details too, with the headers every answer carries.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      reply.header('X-Content-Type-Options', 'nosniff').header('Cache-Control', 'no-store');
      API_ERRORS.answer(
        new BadRequest(`The address is not valid (${error.code}).`),
        pathOf(request.url),
        reply,
      );
    },
    clientErrorHandler: answerClientError,
    // Node's own default, which Fastify turns off: a request (headers and body) must arrive
    // within 5 minutes, or it is answered 408 and its connection closed.
    requestTimeout: 300_000,
  });
}

/**
 * Everything about the HTTP application that is not a module: body parsing with its limits,
 * problem details for every error, validation, the /api/v1 prefix and the OpenAPI document.
 * Shared by main.ts and the e2e tests so both serve exactly the same API.
 */
export async function configureHttpApp(
  app: NestFastifyApplication,
  config: AppConfig,
): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  prepareNodeServer(app.getHttpServer());
  // Hooks run in the order added: the timer first, so it times everything after it. Not added
  // at all when metrics are off.
  if (config.metricsPort !== 0) timeHttpRequests(fastify, `/${API_PREFIX}/`);
  requestScope(fastify, app.get(ROOT_LOGGER), app.get(MikroORM));
  await securityHeaders(fastify, [`/${API_PREFIX}/`, `/${PLESK_PREFIX}/`]);
  fastify.addHook('onRequest', requireHost);
  decompressBodies(fastify);
  // The body parsers, by Content-Type: JSON everywhere; a parser for another type goes here.
  fastify.removeAllContentTypeParsers();
  parseJsonBodies(fastify);
  leaveOtherBodiesUnread(fastify);
  fastify.addHook('preValidation', refuseUnreadableInput);
  await servePleskXmlApi(app, BODY_LIMIT);
  await app.register(fastifyCookie);
  app.useGlobalFilters(API_ERRORS);
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
  addEventWebhooks(document, APP_EVENT_CATALOG);
  return refineOpenApiDocument(document);
}
