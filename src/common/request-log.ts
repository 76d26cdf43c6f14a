import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';

export type LoggedRequest = IncomingMessage & { id?: number; log?: Logger };

/**
 * A successful read is logged at `debug`: at 100,000 customers an operator's panel reads all day,
 * and a JSON line per read cost a tenth of the API's CPU (bench/scale.ts). Changes, refusals and
 * failures keep their line at `info` (4xx included) or `error` (5xx); LOG_LEVEL=debug shows the
 * reads too.
 */
export function requestLogLevel(
  req: IncomingMessage,
  res: ServerResponse,
  error?: Error,
): 'debug' | 'info' | 'error' {
  if (error || res.statusCode >= 500) return 'error';
  if ((req.method === 'GET' || req.method === 'HEAD') && res.statusCode < 400) return 'debug';
  return 'info';
}

/**
 * The request log: the line pino-http wrote (`reqId`, `req`, `res`, `responseTime`, "request
 * completed" or "request errored" with `err`), built only when its level is enabled. pino-http
 * serialised every request and its headers into a child logger up front, whether a line was
 * written or not; here each request gets a child with just its `reqId` (`req.log`), and the
 * serialisers and redaction of `root` run when a line is written.
 */
export function requestLog(root: Logger, ignore: (req: IncomingMessage) => boolean) {
  let lastId = 0;
  return (
    req: LoggedRequest,
    res: ServerResponse,
    next: () => void,
    headersOf: () => Record<string, unknown>,
  ): void => {
    lastId += 1;
    req.id = lastId;
    const log = root.child({ reqId: lastId });
    req.log = log;
    if (ignore(req)) return next();
    const started = Date.now();
    const done = (error?: Error) => {
      res.off('finish', done);
      res.off('close', done);
      res.off('error', done);
      const level = requestLogLevel(req, res, error);
      if (!log.isLevelEnabled(level)) return;
      const responseTime = Date.now() - started;
      const answer = { statusCode: res.statusCode, headers: headersOf() };
      if (level === 'error')
        log.error(
          {
            req,
            res: answer,
            err: error ?? new Error(`failed with status code ${res.statusCode}`),
            responseTime,
          },
          'request errored',
        );
      else log[level]({ req, res: answer, responseTime }, 'request completed');
    };
    res.on('finish', done);
    res.on('close', done);
    res.on('error', done);
    next();
  };
}
