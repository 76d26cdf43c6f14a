import { AsyncLocalStorage } from 'node:async_hooks';
import { MikroORM, RequestContext } from '@mikro-orm/core';
import type { FastifyInstance } from 'fastify';
import { storage, Store } from 'nestjs-pino/storage';
import type { Logger } from 'pino';
import { LoggedRequest, requestLog } from './request-log';

declare module 'fastify' {
  interface FastifyRequest {
    /** Runs a function in this request's scope (see requestScope). */
    inScope?: <R>(fn: () => R) => R;
  }
}

/**
 * What every HTTP request runs in: its request log line and logger (requestLog), MikroORM's request
 * context (a forked EntityManager for the request's unit of work) and nestjs-pino's async context
 * (so the loggers of the request write its `reqId`). Opened when the request arrives; reading the
 * body happens in the socket's callbacks, outside it, so the scope is entered again, from a
 * snapshot, just before the handler (guards, pipes and the controller) runs.
 */
export function requestScope(fastify: FastifyInstance, root: Logger, orm: MikroORM): void {
  const log = requestLog(root, (req) => (req.url ?? '').startsWith('/health'));
  fastify.addHook('onRequest', (request, reply, done) => {
    const req = request.raw as LoggedRequest;
    log(req, reply.raw, () =>
      RequestContext.create(orm.em, () =>
        storage.run(new Store(req.log as Logger), () => {
          request.inScope = AsyncLocalStorage.snapshot();
          done();
        }),
      ),
    );
  });
  fastify.addHook('preHandler', (request, _reply, done) =>
    request.inScope ? request.inScope(done) : done(),
  );
}
