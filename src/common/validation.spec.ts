import { ArgumentMetadata } from '@nestjs/common';
import { IsDefined, IsEmail, IsIn, IsInt, Max } from 'class-validator';
import { DateTimeValue } from './date-time';
import { ValidationFailed } from './domain-errors';
import { TextField, WhenPresent } from './fields';
import { createValidationPipe } from './validation';

class Sample {
  @IsDefined()
  @TextField({ min: 2, max: 5 })
  name!: string;

  @WhenPresent()
  @IsEmail()
  email?: string;

  @WhenPresent()
  @IsIn(['a', 'b'])
  choice?: string;

  @WhenPresent()
  @IsInt()
  @Max(10)
  count?: number;

  @WhenPresent()
  @DateTimeValue()
  at?: Date;
}

const metadata: ArgumentMetadata = { type: 'body', metatype: Sample };

async function errorsOf(body: object) {
  try {
    await createValidationPipe().transform(body, metadata);
  } catch (error) {
    if (error instanceof ValidationFailed) return error.errors;
    throw error;
  }
  return [];
}

describe('field error codes', () => {
  it.each([
    [{}, { field: 'name', code: 'required' }],
    [{ name: 'x' }, { field: 'name', code: 'too_short', limit: 2 }],
    [{ name: 'abcdef' }, { field: 'name', code: 'too_long', limit: 5 }],
    [{ name: 'a\u0007b' }, { field: 'name', code: 'control_characters' }],
    [{ name: 42 }, { field: 'name', code: 'invalid_type' }],
    [
      { name: 'ok', email: 'nope' },
      { field: 'email', code: 'invalid_email' },
    ],
    [
      { name: 'ok', choice: 'c' },
      { field: 'choice', code: 'invalid_choice' },
    ],
    [
      { name: 'ok', count: 11 },
      { field: 'count', code: 'too_large' },
    ],
    [
      { name: 'ok', at: '2024-02-30T00:00:00Z' },
      { field: 'at', code: 'invalid_date' },
    ],
    [
      { name: 'ok', extra: 1 },
      { field: 'extra', code: 'unknown_field' },
    ],
  ])('names %j with a stable code', async (body, expected) => {
    expect(await errorsOf(body)).toEqual([expect.objectContaining(expected)]);
  });

  it('accepts a real leap day', async () => {
    expect(await errorsOf({ name: 'ok', at: '2024-02-29T12:00:00Z' })).toEqual([]);
  });
});
