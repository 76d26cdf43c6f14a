import { useState } from 'preact/hooks';
import { api, answerOf } from '../api';
import { useApiForm } from '../components/api-form';
import { ErrorMessage, FormMessage } from '../components/errors';
import { choiceOf, Field } from '../components/field';
import { useResource } from '../components/resource';
import { useI18n } from '../i18n/i18n';
import { MessageKey } from '../i18n/en';
import { DeliveriesQueued, DeliveryState } from '../model';

const STATE_LABELS: Record<DeliveryState, MessageKey> = {
  pending: 'deliveryPending',
  paused: 'deliveryPaused',
  succeeded: 'deliverySucceeded',
  failed: 'deliveryFailed',
};
const STATES: DeliveryState[] = ['pending', 'paused', 'succeeded', 'failed'];

/** An endpoint's delivery attempts, filtered by state, with resend per event and recover by time window. */
export function Deliveries({ webhookId }: { webhookId: number }) {
  const { t, formatDate } = useI18n();
  const [state, setState] = useState<DeliveryState | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [actionError, setActionError] = useState<unknown>();
  const deliveries = useResource(
    async () =>
      (
        await answerOf(
          api.GET('/api/v1/webhooks/{id}/deliveries', {
            params: { path: { id: webhookId }, query: { state } },
          }),
        )
      ).items,
    [webhookId, state],
  );
  const queued = (answer: DeliveriesQueued) =>
    setNotice(
      answer.queued === 1 ? t('queuedAgainOne') : t('queuedAgainOther', { count: answer.queued }),
    );

  async function resend(eventId: number) {
    setNotice(undefined);
    setActionError(undefined);
    try {
      queued(
        await answerOf(
          api.POST('/api/v1/webhooks/{id}/resend', {
            params: { path: { id: webhookId } },
            body: { eventIds: [eventId] },
          }),
        ),
      );
    } catch (error) {
      setActionError(error);
    }
  }

  return (
    <div class="deliveries-panel">
      <div class="toolbar">
        <label class="inline-field">
          {t('deliveryStateFilter')}
          <select
            value={state ?? ''}
            onChange={(event) => setState(choiceOf(STATES, event.currentTarget.value))}
          >
            <option value="">{t('allDeliveryStates')}</option>
            {STATES.map((name) => (
              <option key={name} value={name}>
                {t(STATE_LABELS[name])}
              </option>
            ))}
          </select>
        </label>
      </div>
      <p role="status" class="hint">
        {notice ?? ''}
      </p>
      <ErrorMessage error={actionError} />
      {deliveries.error ? (
        <ErrorMessage error={deliveries.error} />
      ) : !deliveries.data ? (
        <p>{t('loading')}</p>
      ) : deliveries.data.length === 0 ? (
        <p class="empty">{t('noDeliveries')}</p>
      ) : (
        <table class="deliveries">
          <thead>
            <tr>
              <th scope="col">{t('when')}</th>
              <th scope="col">{t('event')}</th>
              <th scope="col">{t('statusCode')}</th>
              <th scope="col">{t('duration')}</th>
              <th scope="col">{t('deliveryState')}</th>
              <th scope="col">{t('error')}</th>
              <th scope="col">{t('actions')}</th>
            </tr>
          </thead>
          <tbody>
            {deliveries.data.map((delivery) => (
              <tr key={delivery.id} data-event-id={delivery.eventId}>
                <td class="nowrap">{formatDate(delivery.createdAt)}</td>
                <td>
                  <code>{delivery.eventType}</code> <span class="hint">#{delivery.eventId}</span>
                </td>
                <td>{delivery.statusCode ?? '–'}</td>
                <td>{delivery.durationMs != null ? `${delivery.durationMs} ms` : '–'}</td>
                <td>{delivery.state ? t(STATE_LABELS[delivery.state]) : '–'}</td>
                <td class="break">{delivery.error ?? ''}</td>
                <td>
                  <button
                    type="button"
                    class="small secondary"
                    onClick={() => void resend(delivery.eventId)}
                  >
                    {t('resend')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <RecoverFailed webhookId={webhookId} onQueued={queued} />
    </div>
  );
}

/** Sends again every event of a time window whose delivery to this endpoint failed. */
function RecoverFailed({
  webhookId,
  onQueued,
}: {
  webhookId: number;
  onQueued: (answer: DeliveriesQueued) => void;
}) {
  const { t } = useI18n();
  const [since, setSince] = useState('');
  const [until, setUntil] = useState('');
  // datetime-local gives local time without a zone; the API wants ISO 8601 with one.
  const iso = (local: string) => (local ? new Date(local).toISOString() : local);
  const { errors, message, submit } = useApiForm({
    send: () =>
      answerOf(
        api.POST('/api/v1/webhooks/{id}/recover', {
          params: { path: { id: webhookId } },
          body: { since: iso(since), ...(until ? { until: iso(until) } : {}) },
        }),
      ),
    onSent: onQueued,
  });

  return (
    <form class="form recover" onSubmit={submit} noValidate aria-label={t('recoverFailed')}>
      <h3>{t('recoverFailed')}</h3>
      <p class="hint">{t('recoverFailedHint')}</p>
      <FormMessage message={message} />
      <div class="grid">
        <Field
          id={`recover-since-${webhookId}`}
          label={t('recoverSince')}
          type="datetime-local"
          value={since}
          required
          error={errors.since}
          onInput={setSince}
        />
        <Field
          id={`recover-until-${webhookId}`}
          label={t('recoverUntil')}
          type="datetime-local"
          value={until}
          error={errors.until}
          onInput={setUntil}
        />
      </div>
      <div class="buttons">
        <button type="submit" class="secondary">
          {t('recover')}
        </button>
      </div>
    </form>
  );
}
