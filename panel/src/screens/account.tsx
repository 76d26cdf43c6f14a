import { useEffect, useState } from 'preact/hooks';
import { api, answerOf } from '../api';
import {
  changesOf,
  CONTACT_FIELDS,
  ContactFields,
  FormErrors,
  FormField,
  valuesOf,
} from '../components/contact-fields';
import { ErrorMessage, FormMessage, failureSummary, fieldErrorsOf } from '../components/errors';
import { Field } from '../components/field';
import { PasswordField } from '../components/password-field';
import { useResource } from '../components/resource';
import { StatusBadge } from '../components/status';
import { useI18n } from '../i18n/i18n';
import { Account, Me } from '../model';
import { CustomerServices } from './customer-services';

const EDITABLE = [...CONTACT_FIELDS, 'locale'] as const satisfies readonly FormField[];

/** A customer's own account: additional information (never the description), services, edits. */
export function AccountScreen({ me }: { me: Me }) {
  const { t } = useI18n();
  const account = useResource(() => answerOf(api.GET('/api/v1/account')), [me.id]);
  const data = account.data;
  return (
    <div class="screen">
      <div class="screen-head">
        <h1>{data ? t('accountOf', { name: data.name }) : t('myAccount')}</h1>
        {data && (
          <p class="meta">
            <StatusBadge status={data.status} /> · {data.username} · {data.email}
          </p>
        )}
      </div>
      <ErrorMessage error={account.error} />
      {!data && !account.error && <p class="loading-page">{t('loading')}</p>}
      {data && (
        <div class="columns">
          <div>
            {data.additionalInfo && (
              <section class="card" aria-labelledby="info-title">
                <h2 id="info-title">{t('additionalInfo')}</h2>
                <p class="additional-info">{data.additionalInfo}</p>
              </section>
            )}
            <EditAccount account={data} onSaved={() => void account.reload()} />
            <ChangePassword username={data.username} />
          </div>
          <div>
            <CustomerServices manage={false} />
          </div>
        </div>
      )}
    </div>
  );
}

function EditAccount({ account, onSaved }: { account: Account; onSaved: () => void }) {
  const { t, language } = useI18n();
  const before = valuesOf(account, EDITABLE);
  const [values, setValues] = useState(before);
  const [errors, setErrors] = useState<FormErrors>({});
  const [message, setMessage] = useState<{ text: string; error: boolean } | undefined>();
  useEffect(() => setValues(before), [account.updatedAt]);

  async function submit(event: Event) {
    event.preventDefault();
    setMessage(undefined);
    try {
      await answerOf(api.PATCH('/api/v1/account', { body: changesOf(EDITABLE, values, before) }));
      setErrors({});
      setMessage({ text: t('saved'), error: false });
      onSaved();
    } catch (error) {
      const fieldErrors = fieldErrorsOf(error, language);
      setErrors(fieldErrors);
      setMessage({
        text: failureSummary(t, fieldErrors, error),
        error: true,
      });
    }
  }

  return (
    <form class="card form" onSubmit={submit} noValidate aria-labelledby="account-edit-title">
      <h2 id="account-edit-title">{t('editContact')}</h2>
      <FormMessage message={message} />
      <ContactFields
        prefix="account"
        values={values}
        errors={errors}
        onChange={(field, value) => setValues((current) => ({ ...current, [field]: value }))}
      />
      <div class="buttons">
        <button type="submit" class="primary">
          {t('save')}
        </button>
      </div>
    </form>
  );
}

function ChangePassword({ username }: { username: string }) {
  const { t, language } = useI18n();
  const [currentPassword, setCurrentPassword] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FormErrors>({});
  const [message, setMessage] = useState<{ text: string; error: boolean } | undefined>();

  async function submit(event: Event) {
    event.preventDefault();
    setMessage(undefined);
    try {
      await answerOf(api.PATCH('/api/v1/account', { body: { currentPassword, password } }));
      setCurrentPassword('');
      setPassword('');
      setErrors({});
      setMessage({ text: t('passwordChanged'), error: false });
    } catch (error) {
      const fieldErrors = fieldErrorsOf(error, language);
      setErrors(fieldErrors);
      setMessage({
        text: failureSummary(t, fieldErrors, error),
        error: true,
      });
    }
  }

  return (
    <form class="card form" onSubmit={submit} noValidate aria-labelledby="password-title">
      <h2 id="password-title">{t('changePassword')}</h2>
      <FormMessage message={message} />
      <Field
        id="account-currentPassword"
        label={t('currentPassword')}
        type="password"
        autoComplete="current-password"
        value={currentPassword}
        required
        error={errors.currentPassword}
        onInput={setCurrentPassword}
      />
      <PasswordField
        id="account-password"
        label={t('newPassword')}
        value={password}
        username={username}
        required
        error={errors.password}
        onInput={setPassword}
      />
      <div class="buttons">
        <button type="submit" class="primary">
          {t('changePassword')}
        </button>
      </div>
    </form>
  );
}
