import { HttpException, HttpStatus } from '@nestjs/common';
import {
  DriverException,
  ForeignKeyConstraintViolationException,
  OptimisticLockError,
  UniqueConstraintViolationException,
} from '@mikro-orm/core';
import { DomainError, FieldError } from './domain-errors';
import { isRedisUnavailable } from './redis-unavailable';

/** RFC 9457 problem details, the body of every error response. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldError[];
}

export interface Problem {
  body: ProblemDetails;
  headers: Record<string, string>;
  /** True when the error is ours (a bug or an outage), not the client's: worth logging. */
  unexpected: boolean;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const problemType = (slug: string) => `/problems/${slug}`;

const SLUG_BY_STATUS: Record<number, [string, string]> = {
  400: ['bad-request', 'Bad request.'],
  401: ['unauthenticated', 'Authentication required.'],
  403: ['forbidden', 'You may not do this.'],
  404: ['not-found', 'Not found.'],
  405: ['method-not-allowed', 'Method not allowed.'],
  406: ['not-acceptable', 'Not acceptable.'],
  409: ['conflict', 'The request conflicts with the current state.'],
  412: ['precondition-failed', 'The object has changed since you read it.'],
  413: ['payload-too-large', 'The request body is too large.'],
  415: ['unsupported-media-type', 'Unsupported media type.'],
  429: ['too-many-requests', 'Too many requests.'],
  503: ['service-unavailable', 'The service is unavailable.'],
};

function fromStatus(status: number, detail: string, extra: Partial<Problem> = {}): Problem {
  const [slug, title] =
    SLUG_BY_STATUS[status] ??
    (status >= 500 ? ['internal-error', 'Internal error.'] : ['bad-request', 'Bad request.']);
  return {
    body: { type: problemType(slug), title, status, detail },
    headers: {},
    unexpected: status >= 500,
    ...extra,
  };
}

/**
 * Body-parser errors are http-errors: a numeric `status` and an `expose` flag, and mostly a `type`
 * such as `entity.parse.failed`. A body that fails to decompress (`Content-Encoding: gzip` on plain
 * text) has no `type`, only the zlib `code`; it is the client's fault all the same.
 */
interface BodyParserError {
  type?: string;
  status: number;
  expose?: boolean;
  message?: string;
  code?: string;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  if (typeof error !== 'object' || error === null || error instanceof HttpException) return false;
  const candidate = error as Partial<BodyParserError>;
  return (
    typeof candidate.status === 'number' &&
    (typeof candidate.type === 'string' || typeof candidate.expose === 'boolean')
  );
}

/** Maps any thrown value to a problem. The one place that decides error responses. */
export function toProblem(error: unknown): Problem {
  if (error instanceof DomainError) {
    return {
      body: {
        type: problemType(error.slug),
        title: error.title,
        status: error.status,
        detail: error.message,
        ...(error.errors ? { errors: error.errors } : {}),
      },
      headers: error.headers ?? {},
      unexpected: false,
    };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const message =
      typeof response === 'string'
        ? response
        : typeof (response as { message?: unknown }).message === 'string'
          ? (response as { message: string }).message
          : error.message;
    return fromStatus(
      status,
      status === HttpStatus.NOT_FOUND ? 'There is nothing at this address.' : message,
    );
  }
  if (isBodyParserError(error)) {
    const status = error.status ?? 400;
    switch (error.type) {
      case 'entity.parse.failed':
        return fromStatus(400, 'The request body is not valid JSON.', {
          body: {
            type: problemType('malformed-json'),
            title: 'Malformed JSON.',
            status: 400,
            detail: 'The request body is not valid JSON.',
          },
        });
      case 'entity.malformed.utf8':
        return fromStatus(400, 'The request body is not valid UTF-8.', {
          body: {
            type: problemType('malformed-utf8'),
            title: 'Malformed UTF-8.',
            status: 400,
            detail: 'The request body is not valid UTF-8.',
          },
        });
      case 'entity.too.large':
        return fromStatus(413, 'The request body is larger than the limit of 1 MB.');
      case 'encoding.unsupported':
      case 'charset.unsupported':
        return fromStatus(415, error.message ?? 'Unsupported encoding.');
      case undefined:
        if (error.code?.startsWith('Z_') || error.code?.startsWith('ERR_')) {
          return fromStatus(400, 'The request body is not encoded as its Content-Encoding says.', {
            body: {
              type: problemType('malformed-encoding'),
              title: 'Malformed body encoding.',
              status: 400,
              detail: 'The request body is not encoded as its Content-Encoding says.',
            },
          });
        }
        return fromStatus(status < 500 ? status : 400, 'The request body could not be read.');
      default:
        return fromStatus(
          status < 500 ? status : 400,
          error.expose && error.message ? error.message : 'The request body could not be read.',
        );
    }
  }
  if (error instanceof UniqueConstraintViolationException) {
    return fromStatus(409, 'An object with the same unique value already exists.');
  }
  if (error instanceof OptimisticLockError) {
    return fromStatus(412, 'The object was changed by someone else; reload it and try again.');
  }
  if (error instanceof ForeignKeyConstraintViolationException) {
    return fromStatus(409, 'The object refers to something that no longer exists.');
  }
  if (error instanceof DriverException) {
    return fromStatus(503, 'The database could not complete the request; please retry.');
  }
  if (isRedisUnavailable(error)) {
    return fromStatus(503, 'Redis could not complete the request; please retry.', {
      headers: { 'Retry-After': '5' },
    });
  }
  return fromStatus(500, 'An unexpected error occurred.');
}
