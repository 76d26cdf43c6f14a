import { useState } from 'preact/hooks';
import { api, answerOf } from '../api';
import { useApiForm } from '../components/api-form';
import { Field, SelectField } from '../components/field';
import { useI18n } from '../i18n/i18n';
import { Subscription } from '../model';

/** The small forms under the subscriptions and domains tables of a customer page. */
function useAddForm(
  initial: Record<string, string>,
  send: (values: Record<string, string>) => Promise<unknown>,
  onAdded: () => void,
) {
  const [values, setValues] = useState(initial);
  const { errors, message, submit } = useApiForm({
    send: () => send(values),
    onSent: () => {
      setValues(initial);
      onAdded();
    },
  });
  const set = (field: string) => (value: string) =>
    setValues((current) => ({ ...current, [field]: value }));
  return { values, errors, message: message?.text, submit, set };
}

export function AddSubscription({
  customerId,
  onAdded,
}: {
  customerId: number;
  onAdded: () => void;
}) {
  const { t } = useI18n();
  const form = useAddForm(
    { name: '', plan: 'Default', expiresAt: '' },
    ({ name, plan, expiresAt }) =>
      answerOf(
        api.POST('/api/v1/subscriptions', {
          body: {
            customerId,
            name: name.trim(),
            plan: plan.trim(),
            ...(expiresAt ? { expiresAt: new Date(`${expiresAt}T23:59:59Z`).toISOString() } : {}),
          },
        }),
      ),
    onAdded,
  );
  return (
    <form
      class="inline-form"
      onSubmit={form.submit}
      noValidate
      aria-labelledby="add-subscription-title"
    >
      <h3 id="add-subscription-title">{t('addSubscription')}</h3>
      {form.message && (
        <p class="message error" role="alert">
          {form.message}
        </p>
      )}
      <Field
        id="subscription-name"
        label={t('subscriptionName')}
        value={form.values.name}
        required
        error={form.errors.name}
        onInput={form.set('name')}
      />
      <Field
        id="subscription-plan"
        label={t('plan')}
        value={form.values.plan}
        required
        error={form.errors.plan}
        onInput={form.set('plan')}
      />
      <Field
        id="subscription-expiresAt"
        label={t('expiresAt')}
        type="date"
        value={form.values.expiresAt}
        error={form.errors.expiresAt}
        onInput={form.set('expiresAt')}
      />
      <button type="submit" class="secondary">
        {t('addSubscription')}
      </button>
    </form>
  );
}

export function AddDomain({
  subscriptions,
  onAdded,
}: {
  subscriptions: Subscription[];
  onAdded: () => void;
}) {
  const { t } = useI18n();
  const form = useAddForm(
    { name: '', subscriptionId: String(subscriptions[0].id) },
    ({ name, subscriptionId }) =>
      answerOf(
        api.POST('/api/v1/domains', {
          body: { subscriptionId: Number(subscriptionId), name: name.trim() },
        }),
      ),
    onAdded,
  );
  return (
    <form class="inline-form" onSubmit={form.submit} noValidate aria-labelledby="add-domain-title">
      <h3 id="add-domain-title">{t('addDomain')}</h3>
      {form.message && (
        <p class="message error" role="alert">
          {form.message}
        </p>
      )}
      <SelectField
        id="domain-subscription"
        label={t('subscription')}
        value={form.values.subscriptionId}
        error={form.errors.subscriptionId}
        options={subscriptions.map((subscription) => ({
          value: String(subscription.id),
          label: subscription.unicodeName ?? subscription.name,
        }))}
        onChange={form.set('subscriptionId')}
      />
      <Field
        id="domain-name"
        label={t('domainName')}
        value={form.values.name}
        required
        error={form.errors.name}
        onInput={form.set('name')}
      />
      <button type="submit" class="secondary">
        {t('addDomain')}
      </button>
    </form>
  );
}
