import { useState } from 'preact/hooks';
import { api, answerOf } from '../api';
import { ConfirmDialog } from '../components/confirm-dialog';
import { ErrorMessage } from '../components/errors';
import { useResource } from '../components/resource';
import { useI18n } from '../i18n/i18n';
import { ApiKey, CreatedApiKey } from '../model';
import { AddApiKey, KeyOnce } from './api-key-parts';

/** API keys for automation: create (the key shown once), list, revoke. */
export function ApiKeysScreen() {
  const { t, formatDate } = useI18n();
  const keys = useResource(() => answerOf(api.GET('/api/v1/api-keys')), []);
  const [created, setCreated] = useState<CreatedApiKey | undefined>();
  const [revoking, setRevoking] = useState<ApiKey | undefined>();
  const [actionError, setActionError] = useState<unknown>();

  async function revoke(target: ApiKey) {
    setActionError(undefined);
    try {
      await answerOf(api.DELETE('/api/v1/api-keys/{id}', { params: { path: { id: target.id } } }));
    } catch (error) {
      setActionError(error);
    }
    await keys.reload();
  }

  return (
    <div class="screen">
      <div class="screen-head">
        <h1>{t('apiKeys')}</h1>
      </div>
      <p class="hint">{t('apiKeysIntro')}</p>
      {created?.key && <KeyOnce apiKey={created} onDismiss={() => setCreated(undefined)} />}
      <ErrorMessage error={actionError} />
      <ErrorMessage error={keys.error} />
      <div class="table-wrap card">
        <table class="api-keys">
          <thead>
            <tr>
              <th scope="col">{t('apiKeyName')}</th>
              <th scope="col">{t('apiKeyAccess')}</th>
              <th scope="col" class="optional">
                {t('allowedIps')}
              </th>
              <th scope="col">{t('apiKeyExpires')}</th>
              <th scope="col" class="optional">
                {t('lastUsed')}
              </th>
              <th scope="col">{t('actions')}</th>
            </tr>
          </thead>
          <tbody>
            {keys.data?.length === 0 && (
              <tr>
                <td colSpan={6} class="empty">
                  {t('noApiKeys')}
                </td>
              </tr>
            )}
            {(keys.data ?? []).map((key) => (
              <tr key={key.id} data-api-key-id={key.id}>
                <td class="break">
                  {key.name}
                  <div class="hint">{t('apiKeyCreated', { date: formatDate(key.createdAt) })}</div>
                </td>
                <td>{t(key.access === 'full' ? 'access_full' : 'access_read-only')}</td>
                <td class="optional break">{key.allowedIps?.join(', ') ?? t('anyAddress')}</td>
                <td class="nowrap">{key.expiresAt ? formatDate(key.expiresAt) : t('never')}</td>
                <td class="optional">
                  {key.lastUsedAt
                    ? t('lastUsedFrom', {
                        date: formatDate(key.lastUsedAt),
                        ip: key.lastUsedIp ?? '',
                      })
                    : t('never')}
                </td>
                <td>
                  <button
                    type="button"
                    class="small secondary danger-text"
                    onClick={() => setRevoking(key)}
                  >
                    {t('revoke')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <AddApiKey
        onCreated={(apiKey) => {
          setCreated(apiKey);
          void keys.reload();
        }}
      />
      {revoking && (
        <ConfirmDialog
          title={t('revokeApiKeyConfirm', { name: revoking.name })}
          confirmLabel={t('revoke')}
          onCancel={() => setRevoking(undefined)}
          onConfirm={() => {
            const target = revoking;
            setRevoking(undefined);
            void revoke(target);
          }}
        >
          <p>{t('revokeApiKeyWarning')}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
