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
type ContactField = (typeof CONTACT_FIELDS)[number];
const REQUIRED = new Set<FormField>(['name', 'email']);
type OptionalContactField = Exclude<ContactField, 'name' | 'email'>;
const isOptionalContact = (field: ContactField): field is OptionalContactField =>
  !REQUIRED.has(field);

/**
 * The fields a customer may leave empty. A change clears them with null, which changesOf() can
 * only write if the document lets each of them be null.
 */
export const OPTIONAL_FIELDS = [
  ...CONTACT_FIELDS.filter(isOptionalContact),
  ...(['additionalInfo', 'description', 'externalId'] as const),
];
type OptionalField = (typeof OPTIONAL_FIELDS)[number];
const OPTIONAL: ReadonlySet<FormField> = new Set(OPTIONAL_FIELDS);
const isOptional = (field: FormField): field is OptionalField => OPTIONAL.has(field);
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
 * The body of a change: only fields that differ from `before`; an emptied optional field is sent
 * as null, which the API takes as "clear it".
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
    if (isOptional(field)) body[field] = value === '' ? null : value;
    else body[field] = value;
  }
  return body;
}
