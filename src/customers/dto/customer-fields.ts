import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsEmail,
  IsISO31661Alpha2,
  IsString,
  Matches,
  registerDecorator,
  ValidationOptions,
} from 'class-validator';
import { LengthBetween, TextField } from '../../common/fields';

export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const RESERVED_USERNAMES = ['root', 'admin', 'administrator'];

export const UsernameField = () =>
  applyDecorators(
    TextField({
      min: 1,
      max: 60,
      api: {
        example: 'jdoe',
        description:
          '1-60 characters [A-Za-z0-9._-], starting with a letter or digit; unique, case-insensitive',
      },
    }),
    Matches(USERNAME_PATTERN, {
      message:
        'username must start with a letter or digit and contain only letters, digits, ".", "_" and "-"',
      context: { code: 'invalid_username' },
    }),
    NotReserved(),
  );

/** Printable characters only: no control, format or unassigned code points. */
export const PasswordField = () =>
  applyDecorators(
    ApiProperty({
      type: String,
      minLength: 8,
      maxLength: 255,
      writeOnly: true,
      example: 'correct-horse-battery',
    }),
    IsString(),
    LengthBetween(8, 255),
    Matches(/^[^\p{C}]+$/u, {
      message: 'password must contain only printable characters',
      context: { code: 'not_printable' },
    }),
  );

export const EmailField = () =>
  applyDecorators(
    ApiProperty({ type: String, maxLength: 255, example: 'jdoe@example.com' }),
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'string' ? value.trim() : value,
    ),
    IsString(),
    LengthBetween(3, 255),
    IsEmail(
      { allow_utf8_local_part: true, require_tld: true },
      { message: 'email must be a valid email address' },
    ),
  );

export const CountryField = () =>
  applyDecorators(
    ApiProperty({ type: String, nullable: true, example: 'DE', description: 'ISO 3166-1 alpha-2' }),
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'string' ? (value.trim() === '' ? null : value.trim().toUpperCase()) : value,
    ),
    IsString(),
    IsISO31661Alpha2({ message: 'country must be an ISO 3166-1 alpha-2 code such as DE or US' }),
  );

export const LocaleField = () =>
  applyDecorators(
    ApiProperty({ type: String, example: 'de-DE', description: 'BCP 47 language tag' }),
    Transform(({ value }: { value: unknown }) => canonicalLocale(value) ?? value),
    IsString(),
    LengthBetween(2, 35),
    IsBcp47Locale(),
  );

export const NameField = () => TextField({ min: 1, max: 60, api: { example: 'Jane Doe' } });

export const AdditionalInfoField = () =>
  TextField({
    max: 4000,
    multiLine: true,
    nullable: true,
    api: { description: 'Additional information: shown to the customer' },
  });

export const DescriptionField = () =>
  TextField({
    max: 4000,
    multiLine: true,
    nullable: true,
    api: { description: 'Description: staff only, never shown to the customer' },
  });

export const ExternalIdField = () =>
  TextField({
    max: 255,
    nullable: true,
    api: { description: 'Your own id for this customer (unique when set)', example: 'crm-4711' },
  });

export const PhoneField = () =>
  TextField({ max: 30, nullable: true, api: { example: '+49 30 1234567' } });

/** Canonical form of a BCP 47 tag (`de-de` -> `de-DE`), or undefined when it is none. */
export function canonicalLocale(value: unknown): string | undefined {
  if (
    typeof value !== 'string' ||
    value.length > 35 ||
    !/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(value)
  )
    return undefined;
  try {
    return Intl.getCanonicalLocales(value)[0];
  } catch {
    return undefined;
  }
}

function IsBcp47Locale(options?: ValidationOptions) {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isBcp47Locale',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: '$property must be a BCP 47 language tag such as en-US or de-DE',
        ...options,
      },
      validator: { validate: (value: unknown) => canonicalLocale(value) === value },
    });
}

function NotReserved() {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'notReservedUsername',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: `$property must not be one of ${RESERVED_USERNAMES.join(', ')}` },
      validator: {
        validate: (value: unknown) =>
          typeof value !== 'string' || !RESERVED_USERNAMES.includes(value.toLowerCase()),
      },
    });
}

export const SuspensionReasonField = () =>
  TextField({
    max: 255,
    nullable: true,
    api: {
      required: false,
      description: 'Why the customer is suspended: staff only, never shown to the customer',
      example: 'Invoice 2026-113 overdue',
    },
  });
