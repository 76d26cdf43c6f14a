import { useState } from 'preact/hooks';
import { api, answerOf } from '../api';
import type { components } from '../api-schema';
import {
  ContactFields,
  FormErrors,
  FormField,
  FormValues,
  OPTIONAL_FIELDS,
} from '../components/contact-fields';
import { failureSummary, fieldErrorsOf } from '../components/errors';
import { Field } from '../components/field';
import { PasswordField } from '../components/password-field';
import { fieldMessage } from '../i18n/field-messages';
import { useI18n } from '../i18n/i18n';
import { navigate } from '../router';

type NewCustomer = components['schemas']['CreateCustomerDto'];
const REQUIRED = ['name', 'email', 'username', 'password'] as const satisfies readonly FormField[];

const isEmpty = (values: FormValues, field: FormField) => !values[field]?.trim();

/**
 * The body of "Add customer". Required fields go as typed, even empty, so that the API checks
 * every field in one answer; empty optional fields are left out: the API then stores nothing.
 */
function newCustomerOf(values: FormValues): NewCustomer {
  const text = (field: FormField) => values[field] ?? '';
  const body: NewCustomer = {
    name: text('name'),
    email: text('email'),
    username: text('username'),
    password: text('password'),
  };
  for (const field of [...OPTIONAL_FIELDS, 'locale'] as const)
    if (!isEmpty(values, field)) body[field] = values[field];
  return body;
}

/** "Add customer": contact data, login, and the two info texts with who can see them. */
export function AddCustomerScreen() {
  const { t, language } = useI18n();
  const [values, setValues] = useState<FormValues>({
    locale: language === 'de' ? 'de-DE' : 'en-US',
  });
  const [errors, setErrors] = useState<FormErrors>({});
  const [summary, setSummary] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  // Editing a field clears its error: the message no longer describes what the field holds.
  const set = (field: FormField, value: string) => {
    setValues((current) => ({ ...current, [field]: value }));
    setErrors(({ [field]: _, ...others }) => others);
  };

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setSummary(undefined);
    try {
      const customer = await answerOf(
        api.POST('/api/v1/customers', { body: newCustomerOf(values) }),
      );
      navigate(`/customers/${customer.id}`);
    } catch (error) {
      const fieldErrors = fieldErrorsOf(error, language);
      // The API words an empty required field by its length rule; the person simply left it out.
      for (const field of REQUIRED)
        if (fieldErrors[field] && isEmpty(values, field))
          fieldErrors[field] = fieldMessage(language, {
            field,
            code: 'required',
            message: `${field} is required`,
          });
      setErrors(fieldErrors);
      setSummary(failureSummary(t, fieldErrors, error));
      // Take the keyboard user to the first field in error.
      requestAnimationFrame(() =>
        document.querySelector<HTMLElement>('[aria-invalid=true]')?.focus(),
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="screen">
      <div class="screen-head">
        <p class="crumb">
          <a href="#/customers">{t('customers')}</a>
        </p>
        <h1 id="add-title">{t('addCustomer')}</h1>
      </div>
      <form class="card form add-customer" onSubmit={submit} noValidate aria-labelledby="add-title">
        <p class="message error" role="alert" hidden={!summary}>
          {summary ?? ''}
        </p>
        <ContactFields prefix="customer" values={values} errors={errors} onChange={set} />
        <fieldset>
          <legend>{t('credentials')}</legend>
          <div class="grid">
            <Field
              id="customer-username"
              label={t('username')}
              value={values.username ?? ''}
              required
              maxLength={60}
              autoComplete="off"
              error={errors.username}
              onInput={(value) => set('username', value)}
            />
            <PasswordField
              id="customer-password"
              label={t('password')}
              value={values.password ?? ''}
              username={values.username}
              required
              error={errors.password}
              onInput={(value) => set('password', value)}
            />
          </div>
        </fieldset>
        <InfoFields values={values} errors={errors} onChange={set} />
        <div class="buttons">
          <a class="button secondary" href="#/customers">
            {t('cancel')}
          </a>
          <button type="submit" class="primary" disabled={busy}>
            {t('addCustomer')}
          </button>
        </div>
      </form>
    </div>
  );
}

/** Additional information (the customer sees it) and description (staff only), labelled so. */
export function InfoFields({
  values,
  errors,
  onChange,
}: {
  values: FormValues;
  errors: FormErrors;
  onChange: (field: FormField, value: string) => void;
}) {
  const { t } = useI18n();
  return (
    <fieldset>
      <legend>
        {t('additionalInfo')} / {t('description')}
      </legend>
      <div class="grid two">
        <Field
          id="customer-additionalInfo"
          label={t('additionalInfo')}
          hint={t('additionalInfoHint')}
          multiline
          maxLength={4000}
          value={values.additionalInfo ?? ''}
          error={errors.additionalInfo}
          onInput={(value) => onChange('additionalInfo', value)}
        />
        <Field
          id="customer-description"
          label={t('description')}
          hint={t('descriptionHint')}
          multiline
          maxLength={4000}
          value={values.description ?? ''}
          error={errors.description}
          onInput={(value) => onChange('description', value)}
        />
      </div>
    </fieldset>
  );
}
