/**
 * Stable codes of a problem's `errors[]` items: clients translate and react by `code`, never by the
 * English `message`, which may be reworded. `limit` accompanies the length and range codes.
 */
export const FIELD_ERROR_CODES = [
  'required',
  'unknown_field',
  'invalid_type',
  'too_short',
  'too_long',
  'too_small',
  'too_large',
  'invalid_choice',
  'invalid_format',
  'invalid_email',
  'invalid_country',
  'invalid_locale',
  'invalid_username',
  'reserved',
  'control_characters',
  'not_printable',
  'invalid_unicode',
  'invalid_date',
  'duplicate_items',
  'not_unique',
  'contains_username',
  'wrong_password',
  'invalid_url',
  'invalid',
] as const;
export type FieldErrorCode = (typeof FIELD_ERROR_CODES)[number];

/** A field-level validation message, as listed in a problem's `errors`. */
export interface FieldError {
  field: string;
  code: FieldErrorCode;
  message: string;
  limit?: number;
}

/** What a thrower may leave out: the code defaults to the generic `invalid`. */
export type FieldErrorInput = Omit<FieldError, 'code'> & { code?: FieldErrorCode };

/**
 * Base of every error a service throws on purpose. The problem-details filter turns it into an
 * RFC 9457 response: `type` is the slug of `/problems/<slug>`.
 */
export abstract class DomainError extends Error {
  abstract readonly status: number;
  abstract readonly slug: string;
  abstract readonly title: string;
  readonly errors?: FieldError[];
  readonly headers?: Record<string, string>;

  constructor(detail: string) {
    super(detail);
    this.name = new.target.name;
  }
}

export class ValidationFailed extends DomainError {
  readonly status = 400;
  readonly slug = 'validation-failed';
  readonly title = 'Your request is not valid.';
  override readonly errors: FieldError[];
  constructor(errors: FieldErrorInput[], detail?: string) {
    super(detail ?? errors.map((e) => `${e.field}: ${e.message}`).join('; '));
    this.errors = errors.map((error) => ({ ...error, code: error.code ?? 'invalid' }));
  }
}

export class BadRequest extends DomainError {
  readonly status = 400;
  readonly slug = 'bad-request';
  readonly title = 'Bad request.';
}

export class NotFound extends DomainError {
  readonly status = 404;
  readonly slug = 'not-found';
  readonly title = 'Not found.';
  constructor(objectType: string, id: number | string) {
    super(`${objectType} ${id} does not exist.`);
  }
}

export class Conflict extends DomainError {
  readonly status = 409;
  readonly slug = 'conflict';
  readonly title = 'The request conflicts with the current state.';
  override readonly errors?: FieldError[];
  constructor(detail: string, errors?: FieldErrorInput[]) {
    super(detail);
    if (errors) this.errors = errors.map((error) => ({ ...error, code: error.code ?? 'invalid' }));
  }
}

export class PreconditionFailed extends DomainError {
  readonly status = 412;
  readonly slug = 'precondition-failed';
  readonly title = 'The object has changed since you read it.';
}

export class Unauthenticated extends DomainError {
  readonly status = 401;
  readonly slug = 'unauthenticated';
  readonly title = 'Authentication required.';
  override readonly headers = { 'WWW-Authenticate': 'Bearer' };
}

export class InvalidCredentials extends DomainError {
  readonly status = 401;
  readonly slug = 'invalid-credentials';
  readonly title = 'Wrong username or password.';
  constructor() {
    super('The username or the password is wrong.');
  }
}

export class AccountSuspended extends DomainError {
  readonly status = 403;
  readonly slug = 'account-suspended';
  readonly title = 'The account is suspended.';
  constructor() {
    super('This account is suspended. Please contact your hosting provider.');
  }
}

export class Forbidden extends DomainError {
  readonly status = 403;
  readonly slug = 'forbidden';
  readonly title = 'You may not do this.';
}

export class TooManyAttempts extends DomainError {
  readonly status = 429;
  readonly slug = 'too-many-attempts';
  readonly title = 'Too many attempts.';
  override readonly headers: Record<string, string>;
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many failed attempts. Try again in ${retryAfterSeconds} seconds.`);
    this.headers = { 'Retry-After': String(retryAfterSeconds) };
  }
}

/** An `Idempotency-Key` sent again within its lifetime with a different request (IETF idempotency-key draft: 422). */
export class IdempotencyKeyReused extends DomainError {
  readonly status = 422;
  readonly slug = 'idempotency-key-reused';
  readonly title = 'The idempotency key was already used for a different request.';
}
