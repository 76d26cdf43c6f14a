import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import { api, answerOf } from '../api';
import { ConfirmDialog } from '../components/confirm-dialog';
import { ErrorMessage, FormMessage } from '../components/errors';
import { useResource } from '../components/resource';
import { useI18n } from '../i18n/i18n';
import { CreatedWebhook, Webhook } from '../model';
import { Deliveries } from './webhook-deliveries';
import { AddWebhook, SecretOnce } from './webhook-parts';

/**
 * Webhook endpoints: list, add (secret shown once), enable/disable, remove, deliveries (resend,
 * recover). A disabled endpoint shows what it is owed (paused): enabling sends it, or it is discarded.
 */
export function WebhooksScreen() {
  const { t } = useI18n();
  const webhooks = useResource(async () => (await answerOf(api.GET('/api/v1/webhooks'))).items, []);
  const [created, setCreated] = useState<CreatedWebhook | undefined>();
  const [open, setOpen] = useState<number | undefined>();
  const [removing, setRemoving] = useState<Webhook | undefined>();
  const [discarding, setDiscarding] = useState<Webhook | undefined>();
  const [actionError, setActionError] = useState<unknown>();
  const [notice, setNotice] = useState<string | undefined>();

  /** Runs a change; what it returns is said as its outcome, what it throws as an error. */
  async function act(change: () => Promise<string | void>) {
    setActionError(undefined);
    setNotice(undefined);
    try {
      setNotice((await change()) ?? undefined);
    } catch (error) {
      setActionError(error);
    }
    await webhooks.reload();
  }

  /** Enabling an endpoint that kept deliveries sends them: the outcome says so. */
  async function toggle(webhook: Webhook): Promise<string | void> {
    await answerOf(
      api.PATCH('/api/v1/webhooks/{id}', {
        params: { path: { id: webhook.id } },
        body: { enabled: !webhook.enabled },
      }),
    );
    if (!webhook.enabled && webhook.pausedDeliveries > 0)
      return t('pausedSending', { url: webhook.url });
  }

  return (
    <div class="screen">
      <div class="screen-head">
        <h1>{t('webhookEndpoints')}</h1>
      </div>
      {created?.secret && <SecretOnce webhook={created} onDismiss={() => setCreated(undefined)} />}
      <FormMessage message={notice ? { text: notice, error: false } : undefined} />
      <ErrorMessage error={actionError} />
      <ErrorMessage error={webhooks.error} />
      <div class="table-wrap card">
        <table class="webhooks">
          <thead>
            <tr>
              <th scope="col">{t('url')}</th>
              <th scope="col" class="optional">
                {t('events')}
              </th>
              <th scope="col">{t('colStatus')}</th>
              <th scope="col">{t('actions')}</th>
            </tr>
          </thead>
          <tbody>
            {webhooks.data?.length === 0 && (
              <tr>
                <td colSpan={4} class="empty">
                  {t('noWebhooks')}
                </td>
              </tr>
            )}
            {(webhooks.data ?? []).map((webhook) => (
              <Fragment key={webhook.id}>
                <tr data-webhook-id={webhook.id}>
                  <td class="break">
                    {webhook.url}
                    {webhook.description && <div class="hint">{webhook.description}</div>}
                  </td>
                  <td class="optional">{webhook.events.join(', ')}</td>
                  <td>
                    <span class={`status status-${webhook.enabled ? 'active' : 'suspended'}`}>
                      <span class="status-dot" aria-hidden="true" />
                      {webhook.enabled ? t('enabled') : t('disabled')}
                    </span>
                    {!webhook.enabled && webhook.disabledReason && (
                      <div class="hint">
                        {t(webhook.disabledReason === 'gone' ? 'disabledGone' : 'disabledFailing')}
                      </div>
                    )}
                    {!webhook.enabled && (
                      <div class="paused-count">
                        {t('pausedCount', { count: webhook.pausedDeliveries })}
                      </div>
                    )}
                  </td>
                  <td>
                    <div class="row-actions">
                      <button
                        type="button"
                        class="small secondary"
                        onClick={() => void act(() => toggle(webhook))}
                      >
                        {webhook.enabled
                          ? t('disable')
                          : webhook.pausedDeliveries > 0
                            ? t('enableAndSendPaused')
                            : t('enable')}
                      </button>
                      {!webhook.enabled && webhook.pausedDeliveries > 0 && (
                        <button
                          type="button"
                          class="small secondary danger-text"
                          onClick={() => setDiscarding(webhook)}
                        >
                          {t('discardPaused')}
                        </button>
                      )}
                      <button
                        type="button"
                        class="small secondary"
                        aria-expanded={open === webhook.id ? 'true' : 'false'}
                        onClick={() => setOpen(open === webhook.id ? undefined : webhook.id)}
                      >
                        {open === webhook.id ? t('hideDeliveries') : t('deliveries')}
                      </button>
                      <button
                        type="button"
                        class="small secondary danger-text"
                        onClick={() => setRemoving(webhook)}
                      >
                        {t('remove')}
                      </button>
                    </div>
                  </td>
                </tr>
                {open === webhook.id && (
                  <tr>
                    <td colSpan={4}>
                      <Deliveries webhookId={webhook.id} />
                    </td>
                  </tr>
                )}
              </Fragment>
            ))}
          </tbody>
        </table>
      </div>
      <AddWebhook
        onCreated={(webhook) => {
          setCreated(webhook);
          void webhooks.reload();
        }}
      />
      {removing && (
        <ConfirmDialog
          title={t('removeWebhookConfirm', { url: removing.url })}
          confirmLabel={t('remove')}
          onCancel={() => setRemoving(undefined)}
          onConfirm={() => {
            const target = removing;
            setRemoving(undefined);
            void act(async () => {
              await answerOf(
                api.DELETE('/api/v1/webhooks/{id}', { params: { path: { id: target.id } } }),
              );
            });
          }}
        >
          <p>{removing.url}</p>
        </ConfirmDialog>
      )}
      {discarding && (
        <ConfirmDialog
          title={t('discardPausedTitle', { count: discarding.pausedDeliveries })}
          confirmLabel={t('discardPaused')}
          onCancel={() => setDiscarding(undefined)}
          onConfirm={() => {
            const target = discarding;
            setDiscarding(undefined);
            void act(async () => {
              const { discarded } = await answerOf(
                api.POST('/api/v1/webhooks/{id}/discard-paused', {
                  params: { path: { id: target.id } },
                }),
              );
              return t('pausedDiscarded', { count: discarded });
            });
          }}
        >
          <p>{t('discardPausedWarning', { url: discarding.url })}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
