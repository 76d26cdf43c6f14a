import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, answerOf } from '../api';
import {
  changesOf,
  CONTACT_FIELDS,
  ContactFields,
  FormErrors,
  FormField,
  FormValues,
  valuesOf,
} from '../components/contact-fields';
import { FormMessage, failureSummary, fieldErrorsOf } from '../components/errors';
import { Field } from '../components/field';
import { PasswordField } from '../components/password-field';
import { useI18n } from '../i18n/i18n';
import { Customer } from '../model';
import { InfoFields } from './add-customer';

const EDITABLE = [
  ...CONTACT_FIELDS,
  'locale',
  'username',
  'additionalInfo',
  'description',
  'externalId',
] as const satisfies readonly FormField[];

/** Edits contact data and credentials with If-Match, so a concurrent edit is not overwritten. */
export function EditCustomer({
  customer,
  onSaved,
  onStale,
}: {
  customer: Customer;
  onSaved: () => void;
  onStale: () => void;
}) {
  const { t, language } = useI18n();
  const before: FormValues = { ...valuesOf(customer, EDITABLE), password: '' };
  const [values, setValues] = useState(before);
  const [errors, setErrors] = useState<FormErrors>({});
  const [message, setMessage] = useState<{ text: string; error: boolean } | undefined>();
  // Editing a field clears its error: the message no longer describes what the field holds.
  const set = (field: FormField, value: string) => {
    setValues((current) => ({ ...current, [field]: value }));
    setErrors(({ [field]: _, ...others }) => others);
  };
  // After a save or a reload the form shows the server's data (and an empty password) again.
  useEffect(() => setValues(before), [customer.version]);

  async function submit(event: Event) {
    event.preventDefault();
    setMessage(undefined);
    try {
      await answerOf(
        api.PATCH('/api/v1/customers/{id}', {
          params: { path: { id: customer.id }, header: { 'If-Match': `"${customer.version}"` } },
          body: changesOf([...EDITABLE, 'password'], values, before),
        }),
      );
      setErrors({});
      setMessage({ text: t('saved'), error: false });
      onSaved();
    } catch (error) {
      if (error instanceof ApiError && error.status === 412) {
        setMessage({ text: t('staleEdit'), error: true });
        onStale();
        return;
      }
      const fieldErrors = fieldErrorsOf(error, language);
      setErrors(fieldErrors);
      setMessage({
        text: failureSummary(t, fieldErrors, error),
        error: true,
      });
    }
  }

  return (
    <form class="card form" onSubmit={submit} noValidate aria-labelledby="edit-title">
      <h2 id="edit-title">{t('editDetails')}</h2>
      <FormMessage message={message} />
      <ContactFields prefix="edit" values={values} errors={errors} onChange={set} />
      <fieldset>
        <legend>{t('credentials')}</legend>
        <div class="grid">
          <Field
            id="edit-username"
            label={t('username')}
            value={values.username ?? ''}
            required
            maxLength={60}
            error={errors.username}
            onInput={(value) => set('username', value)}
          />
          <PasswordField
            id="edit-password"
            label={t('newPassword')}
            hint={t('passwordKeep')}
            value={values.password ?? ''}
            username={values.username}
            error={errors.password}
            onInput={(value) => set('password', value)}
          />
          <Field
            id="edit-externalId"
            label={t('externalId')}
            value={values.externalId ?? ''}
            maxLength={255}
            error={errors.externalId}
            onInput={(value) => set('externalId', value)}
          />
        </div>
      </fieldset>
      <InfoFields values={values} errors={errors} onChange={set} />
      <div class="buttons">
        <button type="submit" class="primary">
          {t('save')}
        </button>
      </div>
    </form>
  );
}
