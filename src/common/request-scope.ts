import { AsyncLocalStorage } from 'node:async_hooks';
import { MikroORM, RequestContext } from '@mikro-orm/core';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { LoggedRequest, requestLog } from './request-log';

/** The id of the request being handled, for the log lines written while it runs. */
const currentRequest = new AsyncLocalStorage<{ reqId: number }>();
const NO_REQUEST = {};

/** `{reqId}` of the request being handled, or `{}` outside any request (the root logger's mixin). */
export function requestBinding(): { reqId?: number } {
  return currentRequest.getStore() ?? NO_REQUEST;
}

/**
 * What every HTTP request runs in, opened by one Fastify hook when it arrives:
 * - its request log line and its logger `req.log` (requestLog);
 * - its id for every other line written while it runs (requestBinding), so a line of a Nest
 *   logger inside a request carries the same `reqId` as the request's own line;
 * - MikroORM's request context (a forked EntityManager for the request's unit of work), as
 *   MikroORM's documentation sets it up for Fastify. Fastify carries the context through the
 *   reading of a body to the handler.
 */
export function requestScope(fastify: FastifyInstance, root: Logger, orm: MikroORM): void {
  const log = requestLog(root, (req) => (req.url ?? '').startsWith('/health'));
  fastify.addHook('onRequest', (request, reply, done) => {
    const req = request.raw as LoggedRequest;
    log(
      req,
      reply.raw,
      () => currentRequest.run({ reqId: req.id! }, () => RequestContext.create(orm.em, done)),
      // Fastify writes its headers with the status line; the raw response never holds them.
      () => reply.getHeaders(),
    );
  });
}
