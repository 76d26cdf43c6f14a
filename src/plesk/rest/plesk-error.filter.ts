import { Catch, Logger } from '@nestjs/common';
import { ErrorAnswerFilter, ProblemWriter } from '../../common/problem-details.filter';

/** Plesk's ErrorResponse: `code` is the HTTP status. */
export interface PleskErrorBody {
  code: number;
  message: string;
}

/** The problem /api/v1 would answer, in Plesk's words: same status, headers and detail. */
export const writePleskError: ProblemWriter = (
  { body: { status, detail }, headers },
  _,
  response,
) => {
  const pleskHeaders: Record<string, string> = { ...headers };
  // Plesk clients authenticate with Basic or X-API-Key, never with a bearer token.
  if (status === 401) pleskHeaders['WWW-Authenticate'] = 'Basic realm="clientele"';
  const body: PleskErrorBody = { code: status, message: detail };
  response
    .status(status)
    .headers({ ...pleskHeaders, 'Content-Type': 'application/json; charset=utf-8' })
    .send(JSON.stringify(body));
};

/** Answers every error of /api/v2 the way Plesk does, `{code, message}`. */
@Catch()
export class PleskErrorFilter extends ErrorAnswerFilter {
  protected readonly logger = new Logger('Plesk');
  protected writerFor(): ProblemWriter {
    return writePleskError;
  }
}
