import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { PROBLEM_CONTENT_TYPE, toProblem } from './problem-details';

/** Answers every error as RFC 9457 problem details. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    const http = host.switchToHttp();
    sendProblem(error, http.getRequest<Request>(), http.getResponse<Response>(), this.logger);
  }
}

export function sendProblem(
  error: unknown,
  request: Request,
  response: Response,
  logger: Pick<Logger, 'error'>,
): void {
  const problem = toProblem(error);
  if (problem.unexpected)
    logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  if (response.headersSent) return;
  response
    .status(problem.body.status)
    .set(problem.headers)
    .type(PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify({ ...problem.body, instance: request.originalUrl?.split('?')[0] }));
}
