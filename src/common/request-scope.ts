import type { ServerResponse } from 'node:http';
import { MikroORM, RequestContext } from '@mikro-orm/core';
import { storage, Store } from 'nestjs-pino/storage';
import type { Logger } from 'pino';
import { LoggedRequest, requestLog } from './request-log';

/**
 * What every HTTP request runs in, opened by one plain Express middleware: its request log line
 * and `req.log` (requestLog), MikroORM's request context (a forked EntityManager for the
 * request's unit of work) and nestjs-pino's async context (so the loggers of the request write
 * its `reqId`). These were three Nest middlewares; each cost a route match and an async wrapper
 * per request, about a sixth of the CPU of a cheap read such as `GET /customers/{id}`
 * (bench/scale.ts).
 */
export function requestScope(root: Logger, orm: MikroORM) {
  const log = requestLog(root, (req) => (req.url ?? '').startsWith('/health'));
  return (req: LoggedRequest, res: ServerResponse, next: () => void): void =>
    log(req, res, () =>
      RequestContext.create(orm.em, () => storage.run(new Store(req.log as Logger), next)),
    );
}
