import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/en';
import { Field, SelectField } from './field';

export type FormValues = Record<string, string>;
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
] as const;
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
  onChange: (field: string, value: string) => void;
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

/** Form values from an object's fields (null becomes an empty input). */
export function valuesOf(source: object, fields: readonly string[]): FormValues {
  const record = source as Record<string, unknown>;
  return Object.fromEntries(
    fields.map((field) => [field, record[field] == null ? '' : String(record[field])]),
  );
}

/**
 * The body of a change: only fields that differ from `before`; an emptied optional field is sent
 * as null, which the API takes as "clear it".
 */
export function changesOf(values: FormValues, before: FormValues): Record<string, string | null> {
  const body: Record<string, string | null> = {};
  for (const [field, value] of Object.entries(values)) {
    if (value === (before[field] ?? '')) continue;
    body[field] = value === '' && !REQUIRED.has(field) && field !== 'password' ? null : value;
  }
  return body;
}
