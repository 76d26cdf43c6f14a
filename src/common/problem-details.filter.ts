import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Problem, PROBLEM_CONTENT_TYPE, toProblem } from './problem-details';
import { hasPathPrefix, pathOf } from './request-path';

/** Puts a problem on the wire in one API's words: problem details under /api/v1, Plesk's `{code, message}` under /api/v2. */
export type ProblemWriter = (problem: Problem, path: string, response: FastifyReply) => void;

/**
 * Answers an error with the status and wording `toProblem` decides (one place decides errors),
 * written by `write`. An unexpected error is logged with its stack; nothing is sent once the
 * answer has begun.
 */
export function answerError(
  error: unknown,
  path: string,
  response: FastifyReply,
  logger: Pick<Logger, 'error'>,
  write: ProblemWriter,
): void {
  const problem = toProblem(error);
  if (problem.unexpected)
    logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  if (response.sent || response.raw.headersSent) return;
  write(problem, path, response);
}

/** RFC 9457 problem details, with the path that was asked for as `instance`. */
export const writeProblemDetails: ProblemWriter = (problem, path, response) => {
  response
    .status(problem.body.status)
    .headers({ ...problem.headers, 'Content-Type': `${PROBLEM_CONTENT_TYPE}; charset=utf-8` })
    .send(JSON.stringify({ ...problem.body, instance: path }));
};

/** Catches every error of an HTTP request and answers it through `answerError` in its API's words. */
export abstract class ErrorAnswerFilter implements ExceptionFilter {
  protected abstract readonly logger: Logger;
  protected abstract writerFor(path: string): ProblemWriter;

  catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    const http = host.switchToHttp();
    this.answer(
      error,
      pathOf(http.getRequest<FastifyRequest>().url),
      http.getResponse<FastifyReply>(),
    );
  }

  /** Answers an error of the request for `path`, also where no Nest host exists. */
  answer(error: unknown, path: string, response: FastifyReply): void {
    answerError(error, path, response, this.logger, this.writerFor(path));
  }
}

/**
 * Answers every error as RFC 9457 problem details, but in the words of another API under the
 * prefixes given (errors that reach no controller, such as a malformed body, come here too).
 */
@Catch()
export class ProblemDetailsFilter extends ErrorAnswerFilter {
  protected readonly logger = new Logger('Problem');

  constructor(private readonly otherApis: Record<string, ProblemWriter> = {}) {
    super();
  }

  protected writerFor(path: string): ProblemWriter {
    for (const [prefix, writer] of Object.entries(this.otherApis))
      if (hasPathPrefix(path, prefix)) return writer;
    return writeProblemDetails;
  }
}
