import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptions } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, Matches, MaxLength, MinLength, ValidateIf } from 'class-validator';

/** No control characters (tabs and newlines included) in single-line text. */
export const SINGLE_LINE = /^[^\p{Cc}]*$/u;
/** Multi-line text may hold tabs and line breaks, but no other control characters. */
export const MULTI_LINE = /^(?:[^\p{Cc}]|[\t\n\r])*$/u;

interface TextOptions {
  min?: number;
  max: number;
  multiLine?: boolean;
  /** `null` and `""` clear the field. */
  nullable?: boolean;
  api?: ApiPropertyOptions;
}

/**
 * A text field: trimmed (single-line), length-checked, no control characters. Presence is set
 * separately with `Required`, `WhenPresent` or `Optional`.
 */
export function TextField({
  min = 0,
  max,
  multiLine = false,
  nullable = false,
  api = {},
}: TextOptions) {
  return applyDecorators(
    ApiProperty({
      type: String,
      minLength: min,
      maxLength: max,
      nullable,
      ...api,
    } as ApiPropertyOptions),
    Transform(({ value }: { value: unknown }) => {
      const text = typeof value === 'string' && !multiLine ? value.trim() : value;
      return nullable && text === '' ? null : text;
    }),
    IsString(),
    LengthBetween(min, max),
    Matches(multiLine ? MULTI_LINE : SINGLE_LINE, {
      message: '$property must not contain control characters',
      context: { code: 'control_characters' },
    }),
  );
}

/**
 * Like class-validator's Length, but each bound is its own constraint carrying its `limit`, so a
 * field error says `too_short`/`too_long` with the number a client needs to explain it.
 */
export const LengthBetween = (min: number, max: number) =>
  applyDecorators(
    ...(min > 0 ? [MinLength(min, { context: { limit: min } })] : []),
    MaxLength(max, { context: { limit: max } }),
  );

/** Validated when present; `null` is refused (for required fields in a PATCH). */
export const WhenPresent = () =>
  applyDecorators(
    ApiProperty({ required: false }),
    ValidateIf((_: object, value: unknown) => value !== undefined),
  );

/** Validated unless absent or `null` (`null` clears the field). */
export const Optional = () =>
  applyDecorators(
    ApiProperty({ required: false, nullable: true }),
    ValidateIf((_: object, value: unknown) => value !== undefined && value !== null),
  );
