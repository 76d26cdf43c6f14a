import { Optional, TextField, WhenPresent } from '../../common/fields';
import { CountryField, EmailField, LocaleField, NameField, PhoneField } from './customer-fields';

/** Contact data that may always be left out. */
export class OptionalContactFieldsDto {
  @Optional()
  @TextField({ max: 60, nullable: true, api: { example: 'Example GmbH' } })
  company?: string | null;

  @Optional()
  @PhoneField()
  phone?: string | null;

  @Optional()
  @PhoneField()
  fax?: string | null;

  @Optional()
  @TextField({ max: 255, nullable: true, api: { example: 'Hauptstrasse 1' } })
  address?: string | null;

  @Optional()
  @TextField({ max: 50, nullable: true, api: { example: 'Berlin' } })
  city?: string | null;

  @Optional()
  @TextField({ max: 50, nullable: true, api: { example: 'Berlin' } })
  state?: string | null;

  @Optional()
  @TextField({ max: 16, nullable: true, api: { example: '10115' } })
  postalCode?: string | null;

  @Optional()
  @CountryField()
  country?: string | null;

  @WhenPresent()
  @LocaleField()
  locale?: string;
}

/** Contact data as edited later (PATCH): name and email may be changed but not cleared. */
export class ContactFieldsDto extends OptionalContactFieldsDto {
  @WhenPresent()
  @NameField()
  name?: string;

  @WhenPresent()
  @EmailField()
  email?: string;
}
