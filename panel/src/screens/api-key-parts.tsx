import { useState } from 'preact/hooks';
import { api } from '../api';
import { failureSummary, fieldErrorsOf } from '../components/errors';
import { Field, SelectField } from '../components/field';
import { useI18n } from '../i18n/i18n';

/** An API key as GET /api/v1/api-keys lists it; `key` only in the answer to its creation. */
export interface ApiKey {
  id: number;
  name: string;
  access: 'full' | 'read-only';
  allowedIps: string[] | null;
  expiresAt: string | null;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
  createdAt: string;
  key?: string;
}

/** The new key, shown this once with a copy button. */
export function KeyOnce({ apiKey, onDismiss }: { apiKey: ApiKey; onDismiss: () => void }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  async function copy() {
    try {
      await navigator.clipboard.writeText(apiKey.key ?? '');
    } catch {
      // Without clipboard access (plain http), select the text so Ctrl+C copies it.
      (document.getElementById('api-key-value') as HTMLInputElement | null)?.select();
    }
    setCopied(true);
  }
  return (
    <section class="card notice" aria-labelledby="api-key-title">
      <h2 id="api-key-title">{t('apiKeyValue')}</h2>
      <p>{t('apiKeyOnce', { name: apiKey.name })}</p>
      <div class="secret-row">
        <label for="api-key-value" class="visually-hidden">
          {t('apiKeyValue')}
        </label>
        <input
          id="api-key-value"
          readOnly
          value={apiKey.key}
          onFocus={(event) => event.currentTarget.select()}
        />
        <button type="button" class="primary" onClick={() => void copy()}>
          {t('copy')}
        </button>
        <button type="button" class="secondary" onClick={onDismiss}>
          {t('dismiss')}
        </button>
      </div>
      <p role="status" class="hint">
        {copied ? t('copied') : ''}
      </p>
    </section>
  );
}

/** `YYYY-MM-DD` from a date input means the end of that day, local time. */
function endOfDay(day: string): string | undefined {
  if (!day) return undefined;
  const end = new Date(`${day}T23:59:59`);
  return Number.isNaN(end.getTime()) ? day : end.toISOString();
}

export function AddApiKey({ onCreated }: { onCreated: (apiKey: ApiKey) => void }) {
  const { t, language } = useI18n();
  const initial = { name: '', access: 'full', allowedIps: '', expiresAt: '' };
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | undefined>();
  const set = (field: keyof typeof initial) => (value: string) =>
    setValues((current) => ({ ...current, [field]: value }));

  async function submit(event: Event) {
    event.preventDefault();
    setMessage(undefined);
    const allowedIps = values.allowedIps
      .split(/[\s,]+/)
      .map((entry) => entry.trim())
      .filter(Boolean);
    const expiresAt = endOfDay(values.expiresAt);
    try {
      const created = await api.post<ApiKey>('/api-keys', {
        name: values.name.trim(),
        access: values.access,
        ...(allowedIps.length > 0 ? { allowedIps } : {}),
        ...(expiresAt ? { expiresAt } : {}),
      });
      setValues(initial);
      setErrors({});
      onCreated(created);
    } catch (error) {
      const fieldErrors = fieldErrorsOf(error, language);
      // Errors about single entries (allowedIps.1) belong beside the whole field.
      for (const [field, text] of Object.entries(fieldErrors))
        if (field.startsWith('allowedIps.')) fieldErrors.allowedIps ??= text;
      setErrors(fieldErrors);
      setMessage(failureSummary(t, fieldErrors, error));
    }
  }

  return (
    <form class="card form" onSubmit={submit} noValidate aria-labelledby="add-api-key-title">
      <h2 id="add-api-key-title">{t('createApiKey')}</h2>
      {message && (
        <p class="message error" role="alert">
          {message}
        </p>
      )}
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
          onChange={set('access')}
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
