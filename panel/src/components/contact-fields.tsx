import type { components } from '../api-schema';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/en';
import { Field, SelectField } from './field';

/** A change of a customer's data as PATCH /customers/{id} takes it (the account's is a subset). */
export type CustomerChanges = components['schemas']['UpdateCustomerDto'];
/** The fields the customer forms edit, named as the API names them. */
export type FormField = keyof CustomerChanges;
/** What the inputs hold: text, an empty input as ''. */
export type FormValues = Partial<Record<FormField, string>>;
/** Messages keyed by the API's field names (the API may name fields no input shows). */
export type FormErrors = Record<string, string>;

/** The fields the document lets a change clear with null. */
type ClearableField = {
  [F in FormField]-?: null extends CustomerChanges[F] ? F : never;
}[FormField];
const CLEARABLE: ReadonlySet<FormField> = new Set<ClearableField>([
  'company',
  'phone',
  'fax',
  'address',
  'city',
  'state',
  'postalCode',
  'country',
  'additionalInfo',
  'description',
  'externalId',
]);
const clearable = (field: FormField): field is ClearableField => CLEARABLE.has(field);

export const CONTACT_FIELDS = [
  'name',
  'company',
  'email',
  'phone',
  'fax',
  'address',
  'city',
  'state',
  'postalCode',
  'country',
] as const satisfies readonly FormField[];
const REQUIRED = new Set(['name', 'email']);
const MAX_LENGTH: Record<string, number> = {
  name: 60,
  company: 60,
  email: 255,
  phone: 30,
  fax: 30,
  address: 255,
  city: 50,
  state: 50,
  postalCode: 16,
  country: 2,
};
const AUTOCOMPLETE: Record<string, string> = {
  name: 'name',
  company: 'organization',
  email: 'email',
  phone: 'tel',
  fax: 'tel',
  address: 'street-address',
  city: 'address-level2',
  state: 'address-level1',
  postalCode: 'postal-code',
  country: 'country',
};

interface ContactFieldsProps {
  prefix: string;
  values: FormValues;
  errors: FormErrors;
  onChange: (field: FormField, value: string) => void;
}

/** Contact data as a customer and an administrator both edit it. */
export function ContactFields({ prefix, values, errors, onChange }: ContactFieldsProps) {
  const { t } = useI18n();
  return (
    <fieldset>
      <legend>{t('contactData')}</legend>
      <div class="grid">
        {CONTACT_FIELDS.map((field) => (
          <Field
            key={field}
            id={`${prefix}-${field}`}
            label={t(field as MessageKey)}
            value={values[field] ?? ''}
            required={REQUIRED.has(field)}
            type={
              field === 'email' ? 'email' : field === 'phone' || field === 'fax' ? 'tel' : 'text'
            }
            autoComplete={AUTOCOMPLETE[field]}
            maxLength={MAX_LENGTH[field]}
            error={errors[field]}
            onInput={(value) => onChange(field, value)}
          />
        ))}
        <SelectField
          id={`${prefix}-locale`}
          label={t('locale')}
          value={values.locale || 'en-US'}
          error={errors.locale}
          options={[
            { value: 'en-US', label: 'English' },
            { value: 'de-DE', label: 'Deutsch' },
          ]}
          onChange={(value) => onChange('locale', value)}
        />
      </div>
    </fieldset>
  );
}

/** Form values from an answer's fields (null becomes an empty input). */
export function valuesOf<Field extends FormField>(
  source: Record<Field, string | null>,
  fields: readonly Field[],
): FormValues {
  const values: FormValues = {};
  for (const field of fields) values[field] = source[field] ?? '';
  return values;
}

/**
 * The body of a change: only fields that differ from `before`; an emptied field the document lets
 * clear is sent as null, which the API takes as "clear it".
 */
export function changesOf(
  fields: readonly FormField[],
  values: FormValues,
  before: FormValues,
): CustomerChanges {
  const body: CustomerChanges = {};
  for (const field of fields) {
    const value = values[field] ?? '';
    if (value === (before[field] ?? '')) continue;
    if (clearable(field)) body[field] = value === '' ? null : value;
    else body[field] = value;
  }
  return body;
}
