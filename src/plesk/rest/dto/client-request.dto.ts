import { applyDecorators } from '@nestjs/common';
import { ApiProperty, PartialType } from '@nestjs/swagger';
import { IsDefined, IsIn, IsString, Length } from 'class-validator';
import { Optional, TextField, WhenPresent } from '../../../common/fields';
import {
  DescriptionField,
  EmailField,
  ExternalIdField,
  LocaleField,
  NameField,
  PasswordField,
  UsernameField,
} from '../../../customers/dto/customer-fields';

/** Plesk's status codes that clientele has: 0 active, 16 suspended by the administrator. */
export const PLESK_STATUSES = [0, 16] as const;
export type PleskStatus = (typeof PLESK_STATUSES)[number];

const TypeField = () =>
  applyDecorators(
    ApiProperty({
      enum: ['customer'],
      description: 'Only customers: resellers are not managed here',
    }),
    IsIn(['customer'], {
      message: 'type must be "customer": resellers are not managed here, nor administrators',
    }),
  );

const StatusField = () =>
  applyDecorators(
    ApiProperty({ enum: PLESK_STATUSES, required: false, description: '0 active, 16 suspended' }),
    IsIn(PLESK_STATUSES, { message: 'status must be 0 (active) or 16 (suspended)' }),
  );

const OwnerLoginField = () =>
  applyDecorators(
    ApiProperty({
      type: String,
      required: false,
      description: "The administrator's login; resellers are not managed here",
    }),
    IsString(),
    Length(1, 60),
  );

/** Plesk's ClientRequest; every field is validated by the same rules as /api/v1's. */
export class PleskClientRequest {
  @IsDefined()
  @NameField()
  name!: string;

  @Optional()
  @TextField({ max: 60, nullable: true })
  company?: string | null;

  @IsDefined()
  @UsernameField()
  login!: string;

  @IsDefined()
  @PasswordField()
  password!: string;

  @IsDefined()
  @EmailField()
  email!: string;

  @IsDefined()
  @TypeField()
  type!: 'customer';

  @WhenPresent()
  @StatusField()
  status?: PleskStatus;

  @WhenPresent()
  @LocaleField()
  locale?: string;

  @WhenPresent()
  @OwnerLoginField()
  owner_login?: string;

  @Optional()
  @ExternalIdField()
  external_id?: string | null;

  @Optional()
  @DescriptionField()
  description?: string | null;
}

/**
 * Plesk's ClientUpdateRequest: the same fields by the same rules, every one optional (a partial
 * update). Absent fields are left alone; `null` is refused where the create request refuses it.
 */
export class PleskClientUpdateRequest extends PartialType(PleskClientRequest, {
  skipNullProperties: false,
}) {}
