import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsString, Length } from 'class-validator';
import { Optional, WhenPresent } from '../../common/fields';
import { ContactFieldsDto, OptionalContactFieldsDto } from './contact-fields.dto';
import {
  AdditionalInfoField,
  DescriptionField,
  EmailField,
  ExternalIdField,
  NameField,
  PasswordField,
  UsernameField,
} from './customer-fields';

export class CreateCustomerDto extends OptionalContactFieldsDto {
  @IsDefined()
  @UsernameField()
  username!: string;

  @IsDefined()
  @PasswordField()
  password!: string;

  @IsDefined()
  @NameField()
  name!: string;

  @IsDefined()
  @EmailField()
  email!: string;

  @Optional()
  @AdditionalInfoField()
  additionalInfo?: string | null;

  @Optional()
  @DescriptionField()
  description?: string | null;

  @Optional()
  @ExternalIdField()
  externalId?: string | null;
}

export class UpdateCustomerDto extends ContactFieldsDto {
  @WhenPresent()
  @UsernameField()
  username?: string;

  @WhenPresent()
  @PasswordField()
  password?: string;

  @Optional()
  @AdditionalInfoField()
  additionalInfo?: string | null;

  @Optional()
  @DescriptionField()
  description?: string | null;

  @Optional()
  @ExternalIdField()
  externalId?: string | null;
}

/** A customer edits its own account: contact data and, with its current password, the password. */
export class UpdateAccountDto extends ContactFieldsDto {
  @WhenPresent()
  @PasswordField()
  password?: string;

  @ApiProperty({
    required: false,
    writeOnly: true,
    description: 'Required when changing the password',
  })
  @WhenPresent()
  @IsString()
  @Length(1, 1024)
  currentPassword?: string;
}
