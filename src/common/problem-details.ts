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
 * Fastify's refusals of a body it reads (`FST_ERR_CTP_*`: over the limit, a Content-Length that
 * does not match); what our own parsers refuse are domain errors (body-errors.ts).
 */
interface FastifyBodyError {
  code: string;
  statusCode: number;
  message: string;
}

function isFastifyBodyError(error: unknown): error is FastifyBodyError {
  if (!(error instanceof Error)) return false;
  const { code, statusCode } = error as Partial<FastifyBodyError>;
  return (
    typeof code === 'string' && code.startsWith('FST_ERR_CTP_') && typeof statusCode === 'number'
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
  if (isFastifyBodyError(error)) {
    return error.statusCode === 413
      ? fromStatus(413, 'The request body is larger than the limit of 1 MB.')
      : fromStatus(error.statusCode < 500 ? error.statusCode : 400, error.message);
  }
  if (error instanceof UniqueConstraintViolationException) {
    return fromStatus(409, 'An object with the same unique value already exists.');
  }
  if (error instanceof OptimisticLockError) {
    // Only a commit through another Galera node makes a locked row's version move (a stale
    // If-Match is PreconditionFailed, 412); this one outlasted its retries: busy, not stale.
    return fromStatus(
      503,
      'The object is being changed through another database node at this moment; please retry.',
      { headers: { 'Retry-After': '1' } },
    );
  }
  if (error instanceof ForeignKeyConstraintViolationException) {
    return fromStatus(409, 'The object refers to something that no longer exists.');
  }
  if (error instanceof DriverException) {
    // A lost connection or a Galera node leaving the cluster: a new connection, or another node,
    // is usually there within seconds.
    return fromStatus(503, 'The database could not complete the request; please retry.', {
      headers: { 'Retry-After': '5' },
    });
  }
  if (isRedisUnavailable(error)) {
    return fromStatus(503, 'Redis could not complete the request; please retry.', {
      headers: { 'Retry-After': '5' },
    });
  }
  return fromStatus(500, 'An unexpected error occurred.');
}
