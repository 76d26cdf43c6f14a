import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsDate, isISO8601 } from 'class-validator';

/**
 * An ISO 8601 date-time that names a real instant. `new Date('2024-02-30T00:00:00Z')` quietly rolls
 * over to 1 March, so the text is checked first (strict: real calendar days and hours) and only
 * then turned into a Date; anything else stays as sent and fails `IsDate` with `invalid_date`.
 */
export const DateTimeValue = () =>
  applyDecorators(
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'string' && isISO8601(value, { strict: true, strictSeparator: true })
        ? new Date(value)
        : value,
    ),
    IsDate({
      message: '$property must be a real date and time in ISO 8601, such as 2030-01-31T00:00:00Z',
    }),
  );
