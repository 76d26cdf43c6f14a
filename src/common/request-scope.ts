import { MikroORM, RequestContext } from '@mikro-orm/core';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { LoggedRequest, requestLog } from './request-log';

/**
 * What every HTTP request runs in, opened by one Fastify hook when it arrives:
 * - its request log line and its logger `req.log` (requestLog), which nestjs-pino's own middleware
 *   (`useExisting`, CoreModule) hands to the loggers of the request;
 * - MikroORM's request context (a forked EntityManager for the request's unit of work), as
 *   MikroORM's documentation sets it up for Fastify. Fastify carries the context through the
 *   reading of a body to the handler.
 */
export function requestScope(fastify: FastifyInstance, root: Logger, orm: MikroORM): void {
  const log = requestLog(root, (req) => (req.url ?? '').startsWith('/health'));
  fastify.addHook('onRequest', (request, reply, done) => {
    log(
      request.raw as LoggedRequest,
      reply.raw,
      () => RequestContext.create(orm.em, done),
      // Fastify writes its headers with the status line; the raw response never holds them.
      () => reply.getHeaders(),
    );
  });
}
