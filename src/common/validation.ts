import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError, FieldErrorCode, ValidationFailed } from './domain-errors';

/** The code of each class-validator constraint; a decorator's `context: {code}` overrides it. */
const CODE_BY_CONSTRAINT: Record<string, FieldErrorCode> = {
  isDefined: 'required',
  isNotEmpty: 'required',
  whitelistValidation: 'unknown_field',
  unknownValue: 'invalid_type',
  nestedValidation: 'invalid_type',
  isString: 'invalid_type',
  isInt: 'invalid_type',
  isNumber: 'invalid_type',
  isBoolean: 'invalid_type',
  isArray: 'invalid_type',
  isObject: 'invalid_type',
  isDate: 'invalid_date',
  isIso8601: 'invalid_date',
  minLength: 'too_short',
  maxLength: 'too_long',
  arrayMinSize: 'too_short',
  arrayMaxSize: 'too_long',
  min: 'too_small',
  max: 'too_large',
  minDate: 'too_small',
  maxDate: 'too_large',
  isIn: 'invalid_choice',
  isEnum: 'invalid_choice',
  arrayUnique: 'duplicate_items',
  matches: 'invalid_format',
  isEmail: 'invalid_email',
  isISO31661Alpha2: 'invalid_country',
  isBcp47Locale: 'invalid_locale',
  notReservedUsername: 'reserved',
};

interface ConstraintContext {
  code?: FieldErrorCode;
  limit?: number;
}

function codeOf(constraint: string, message: string, context?: ConstraintContext): FieldErrorCode {
  if (context?.code) return context.code;
  // Length(min, max) is one constraint for two bounds; its own message says which one failed.
  if (constraint === 'isLength') return /shorter than/.test(message) ? 'too_long' : 'too_short';
  return CODE_BY_CONSTRAINT[constraint] ?? 'invalid';
}

/** Flattens class-validator's tree into `[{field: 'a.b', code, message, limit?}]`. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const contexts = (error.contexts ?? {}) as Record<string, ConstraintContext>;
    const own = Object.entries(error.constraints ?? {}).map(([constraint, message]) => {
      const context = contexts[constraint];
      return {
        field,
        code: codeOf(constraint, message, context),
        message: message.replace(/^property \S+ /, 'property '),
        ...(context?.limit !== undefined ? { limit: context.limit } : {}),
      };
    });
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

/**
 * Validates bodies and query DTOs. Path parameters are left to their own pipes (ParseIdPipe): the
 * stock pipe would turn "1e3" into 1000 before they could refuse it.
 */
class BodyAndQueryValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'param') return Promise.resolve(value);
    return super.transform(value, metadata) as Promise<unknown>;
  }
}

export function createValidationPipe(): ValidationPipe {
  return new BodyAndQueryValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    stopAtFirstError: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ValidationFailed(flattenValidationErrors(errors)),
  });
}
