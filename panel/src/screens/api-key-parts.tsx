import { useState } from 'preact/hooks';
import { api, answerOf } from '../api';
import { useApiForm } from '../components/api-form';
import { FormMessage } from '../components/errors';
import { Field, SelectField } from '../components/field';
import { ShownOnce } from '../components/shown-once';
import { useI18n } from '../i18n/i18n';
import { ApiKey, CreatedApiKey } from '../model';

/** The new key, shown this once with a copy button. */
export function KeyOnce({ apiKey, onDismiss }: { apiKey: CreatedApiKey; onDismiss: () => void }) {
  const { t } = useI18n();
  return (
    <ShownOnce
      titleId="api-key-title"
      inputId="api-key-value"
      title={t('apiKeyValue')}
      text={t('apiKeyOnce', { name: apiKey.name })}
      value={apiKey.key}
      onDismiss={onDismiss}
    />
  );
}

/** `YYYY-MM-DD` from a date input means the end of that day, local time. */
function endOfDay(day: string): string | undefined {
  if (!day) return undefined;
  const end = new Date(`${day}T23:59:59`);
  return Number.isNaN(end.getTime()) ? day : end.toISOString();
}

/** The form that creates an API key; the answer, holding the key, goes to `onCreated`. */
export function AddApiKey({ onCreated }: { onCreated: (apiKey: CreatedApiKey) => void }) {
  const { t } = useI18n();
  const initial: { name: string; access: ApiKey['access']; allowedIps: string; expiresAt: string } =
    { name: '', access: 'full', allowedIps: '', expiresAt: '' };
  const [values, setValues] = useState(initial);
  const set = (field: 'name' | 'allowedIps' | 'expiresAt') => (value: string) =>
    setValues((current) => ({ ...current, [field]: value }));
  const { errors, message, submit } = useApiForm({
    send: () => {
      const allowedIps = values.allowedIps
        .split(/[\s,]+/)
        .map((entry) => entry.trim())
        .filter(Boolean);
      const expiresAt = endOfDay(values.expiresAt);
      return answerOf(
        api.POST('/api/v1/api-keys', {
          body: {
            name: values.name.trim(),
            access: values.access,
            ...(allowedIps.length > 0 ? { allowedIps } : {}),
            ...(expiresAt ? { expiresAt } : {}),
          },
        }),
      );
    },
    onSent: (created) => {
      setValues(initial);
      onCreated(created);
    },
    listFields: ['allowedIps'],
  });

  return (
    <form class="card form" onSubmit={submit} noValidate aria-labelledby="add-api-key-title">
      <h2 id="add-api-key-title">{t('createApiKey')}</h2>
      <FormMessage message={message} />
      <div class="grid">
        <Field
          id="api-key-name"
          label={t('apiKeyName')}
          hint={t('apiKeyNameHint')}
          value={values.name}
          required
          maxLength={100}
          error={errors.name}
          onInput={set('name')}
        />
        <SelectField
          id="api-key-access"
          label={t('apiKeyAccess')}
          value={values.access}
          options={[
            { value: 'full', label: t('access_full') },
            { value: 'read-only', label: t('access_read-only') },
          ]}
          error={errors.access}
          onChange={(access) => setValues((current) => ({ ...current, access }))}
        />
        <Field
          id="api-key-ips"
          label={t('allowedIps')}
          hint={t('allowedIpsHint')}
          value={values.allowedIps}
          error={errors.allowedIps}
          onInput={set('allowedIps')}
        />
        <Field
          id="api-key-expires"
          label={t('apiKeyExpires')}
          hint={t('apiKeyExpiresHint')}
          type="date"
          value={values.expiresAt}
          error={errors.expiresAt}
          onInput={set('expiresAt')}
        />
      </div>
      <div class="buttons">
        <button type="submit" class="primary">
          {t('createApiKey')}
        </button>
      </div>
    </form>
  );
}
