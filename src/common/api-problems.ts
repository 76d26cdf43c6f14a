import { applyDecorators } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import { FIELD_ERROR_CODES, FieldErrorCode } from './domain-errors';
import { PROBLEM_CONTENT_TYPE } from './problem-details';

export class FieldErrorView {
  @ApiProperty({ example: 'email', description: 'The field, as `a.b` for nested ones' })
  field!: string;

  @ApiProperty({
    enum: FIELD_ERROR_CODES,
    description:
      'Stable code to translate or react to; `message` is English and may change. `invalid` is the catch-all.',
  })
  code!: FieldErrorCode;

  @ApiProperty({ example: 'email must be a valid email address' })
  message!: string;

  @ApiPropertyOptional({ description: 'The bound of too_short, too_long, too_small, too_large' })
  limit?: number;
}

/** RFC 9457 problem details. */
export class ProblemDetailsView {
  @ApiProperty({ example: '/problems/validation-failed' }) type!: string;
  @ApiProperty({ example: 'Your request is not valid.' }) title!: string;
  @ApiProperty({ type: 'integer', example: 400 }) status!: number;
  @ApiProperty() detail!: string;
  @ApiPropertyOptional({ example: '/api/v1/customers' }) instance?: string;
  @ApiPropertyOptional({ type: [FieldErrorView] }) errors?: FieldErrorView[];
}

export type ProblemStatus = 400 | 401 | 403 | 404 | 409 | 412 | 413 | 415 | 422 | 429 | 503;

const WHEN: Record<ProblemStatus, string> = {
  400: 'The request is not valid: `errors` names each field with a stable `code`',
  401: 'No valid credentials (token, session cookie or API key)',
  403: 'Authenticated, but not allowed (role, read-only key, missing CSRF token, suspended account)',
  404: 'No such object, or not yours',
  409: 'Conflicts with the current state (a unique value taken, a job already running)',
  412: 'If-Match names an older version than the stored one',
  413: 'The body is larger than 1 MB',
  415: 'The body has an unsupported Content-Encoding or charset',
  422: 'The Idempotency-Key was used for a different request',
  429: 'Too many failed attempts; retry after `Retry-After` seconds',
  503: 'MySQL or Redis is unavailable; retry later',
};

/** Documents error answers as problem details; on a controller, for every one of its operations. */
export const ApiProblems = (...statuses: ProblemStatus[]) =>
  applyDecorators(
    ApiExtraModels(ProblemDetailsView, FieldErrorView),
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: WHEN[status],
        content: {
          [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemDetailsView) } },
        },
      }),
    ),
  );
