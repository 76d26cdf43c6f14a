import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { toProblem } from '../common/problem-details';

/** Plesk's ErrorResponse: `code` is the HTTP status. */
export interface PleskErrorBody {
  code: number;
  message: string;
}

/**
 * Answers every error of /api/v2 the way Plesk does, `{code, message}`, with the status and
 * wording the problem-details mapping decides for /api/v1 (one place decides errors).
 */
@Catch()
export class PleskErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Plesk');

  catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    sendPleskError(error, host.switchToHttp().getResponse<Response>(), this.logger);
  }
}

export function sendPleskError(
  error: unknown,
  response: Response,
  logger: Pick<Logger, 'error'>,
): void {
  const problem = toProblem(error);
  if (problem.unexpected)
    logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  if (response.headersSent) return;
  const { status, detail } = problem.body;
  const headers: Record<string, string> = { ...problem.headers };
  // Plesk clients authenticate with Basic or X-API-Key, never with a bearer token.
  if (status === 401) headers['WWW-Authenticate'] = 'Basic realm="clientele"';
  const body: PleskErrorBody = { code: status, message: detail };
  response.status(status).set(headers).json(body);
}
