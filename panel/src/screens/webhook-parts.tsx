import { useState } from 'preact/hooks';
import { api, answerOf } from '../api';
import { useApiForm } from '../components/api-form';
import { FormMessage } from '../components/errors';
import { Field } from '../components/field';
import { ShownOnce } from '../components/shown-once';
import { useI18n } from '../i18n/i18n';
import { CreatedWebhook } from '../model';
import { EventPicker } from './webhook-event-picker';

/** Parts of the webhooks screen: the secret shown once, the add form (deliveries: webhook-deliveries.tsx). */
export function SecretOnce({
  webhook,
  onDismiss,
}: {
  webhook: CreatedWebhook;
  onDismiss: () => void;
}) {
  const { t } = useI18n();
  return (
    <ShownOnce
      titleId="secret-title"
      inputId="webhook-secret"
      title={t('secret')}
      text={t('secretOnce', { url: webhook.url })}
      value={webhook.secret}
      onDismiss={onDismiss}
    />
  );
}

/** The form that adds a webhook endpoint; the answer, holding its secret, goes to `onCreated`. */
export function AddWebhook({ onCreated }: { onCreated: (webhook: CreatedWebhook) => void }) {
  const { t } = useI18n();
  const initial = { url: '', description: '' };
  const [values, setValues] = useState(initial);
  const [events, setEvents] = useState<string[]>(['*']);
  const set = (field: keyof typeof initial) => (value: string) =>
    setValues((current) => ({ ...current, [field]: value }));
  const { errors, message, submit } = useApiForm({
    send: () =>
      answerOf(
        api.POST('/api/v1/webhooks', {
          body: {
            url: values.url.trim(),
            events,
            // The default, said outright: the generated type makes a field with a default required.
            enabled: true,
            ...(values.description.trim() ? { description: values.description.trim() } : {}),
          },
        }),
      ),
    onSent: (webhook) => {
      setValues(initial);
      setEvents(['*']);
      onCreated(webhook);
    },
    listFields: ['events'],
  });

  return (
    <form class="card form" onSubmit={submit} noValidate aria-labelledby="add-webhook-title">
      <h2 id="add-webhook-title">{t('addWebhook')}</h2>
      <FormMessage message={message} />
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
