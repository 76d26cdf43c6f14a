import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Problem, PROBLEM_CONTENT_TYPE, toProblem } from './problem-details';

/** Puts a problem on the wire in one API's words: problem details under /api/v1, Plesk's `{code, message}` under /api/v2. */
export type ProblemWriter = (problem: Problem, request: Request, response: Response) => void;

/**
 * Answers an error with the status and wording `toProblem` decides (one place decides errors),
 * written by `write`. An unexpected error is logged with its stack; nothing is sent once the
 * answer has begun.
 */
export function answerError(
  error: unknown,
  request: Request,
  response: Response,
  logger: Pick<Logger, 'error'>,
  write: ProblemWriter,
): void {
  const problem = toProblem(error);
  if (problem.unexpected)
    logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  if (response.headersSent) return;
  write(problem, request, response);
}

/** RFC 9457 problem details, with the path that was asked for as `instance`. */
export const writeProblemDetails: ProblemWriter = (problem, request, response) => {
  response
    .status(problem.body.status)
    .set(problem.headers)
    .type(PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify({ ...problem.body, instance: request.originalUrl?.split('?')[0] }));
};

/** Catches every error of an HTTP request and answers it through `answerError` in its API's words. */
export abstract class ErrorAnswerFilter implements ExceptionFilter {
  protected abstract readonly logger: Logger;
  protected abstract readonly write: ProblemWriter;

  catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    const http = host.switchToHttp();
    answerError(
      error,
      http.getRequest<Request>(),
      http.getResponse<Response>(),
      this.logger,
      this.write,
    );
  }
}

/** Answers every error as RFC 9457 problem details. */
@Catch()
export class ProblemDetailsFilter extends ErrorAnswerFilter {
  protected readonly logger = new Logger('Problem');
  protected readonly write = writeProblemDetails;
}
