import { useState } from 'preact/hooks';
import { api } from '../api';
import { ErrorMessage, failureSummary, fieldErrorsOf } from '../components/errors';
import { Field } from '../components/field';
import { useI18n } from '../i18n/i18n';
import { Webhook } from '../model';
import { EventPicker } from './webhook-event-picker';

/** Parts of the webhooks screen: the secret shown once, the add form (deliveries: webhook-deliveries.tsx). */
export function SecretOnce({ webhook, onDismiss }: { webhook: Webhook; onDismiss: () => void }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  async function copy() {
    try {
      await navigator.clipboard.writeText(webhook.secret ?? '');
    } catch {
      // Without clipboard access (plain http), select the text so Ctrl+C copies it.
      const field = document.getElementById('webhook-secret') as HTMLInputElement | null;
      field?.select();
    }
    setCopied(true);
  }
  return (
    <section class="card notice" aria-labelledby="secret-title">
      <h2 id="secret-title">{t('secret')}</h2>
      <p>{t('secretOnce', { url: webhook.url })}</p>
      <div class="secret-row">
        <label for="webhook-secret" class="visually-hidden">
          {t('secret')}
        </label>
        <input
          id="webhook-secret"
          readOnly
          value={webhook.secret}
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

export function AddWebhook({ onCreated }: { onCreated: (webhook: Webhook) => void }) {
  const { t, language } = useI18n();
  const initial = { url: '', description: '' };
  const [values, setValues] = useState(initial);
  const [events, setEvents] = useState<string[]>(['*']);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | undefined>();
  const set = (field: keyof typeof initial) => (value: string) =>
    setValues((current) => ({ ...current, [field]: value }));

  async function submit(event: Event) {
    event.preventDefault();
    setMessage(undefined);
    try {
      const webhook = await api.post<Webhook>('/webhooks', {
        url: values.url.trim(),
        events,
        ...(values.description.trim() ? { description: values.description.trim() } : {}),
      });
      setValues(initial);
      setEvents(['*']);
      setErrors({});
      onCreated(webhook);
    } catch (error) {
      const fieldErrors = fieldErrorsOf(error, language);
      // Errors about single entries of `events` (events.0) belong beside the events field.
      for (const [field, text] of Object.entries(fieldErrors))
        if (field.startsWith('events.')) fieldErrors.events ??= text;
      setErrors(fieldErrors);
      setMessage(failureSummary(t, fieldErrors, error));
    }
  }

  return (
    <form class="card form" onSubmit={submit} noValidate aria-labelledby="add-webhook-title">
      <h2 id="add-webhook-title">{t('addWebhook')}</h2>
      {message && (
        <p class="message error" role="alert">
          {message}
        </p>
      )}
      <div class="grid">
        <Field
          id="webhook-url"
          label={t('url')}
          type="url"
          value={values.url}
          required
          error={errors.url}
          onInput={set('url')}
        />
        <Field
          id="webhook-description"
          label={t('description')}
          value={values.description}
          error={errors.description}
          onInput={set('description')}
        />
      </div>
      <EventPicker value={events} onChange={setEvents} error={errors.events} />
      <div class="buttons">
        <button type="submit" class="primary">
          {t('addWebhook')}
        </button>
      </div>
    </form>
  );
}

// The deliveries list moved to its own file; re-exported for importers of the old place.
export { Deliveries } from './webhook-deliveries';
