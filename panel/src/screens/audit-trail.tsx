import { api, query } from '../api';
import { ErrorMessage } from '../components/errors';
import { useResource } from '../components/resource';
import { useI18n } from '../i18n/i18n';
import { AuditEntry, itemsOf, Page } from '../model';

/**
 * What happened to a customer and what it owns (subscriptions, domains), newest first, from
 * GET /audit?customerId=. `version` reloads it.
 */
export function AuditTrail({ customerId, version }: { customerId: number; version: number }) {
  const { t, formatDate } = useI18n();
  const entries = useResource(
    async () =>
      itemsOf(await api.get<AuditEntry[] | Page<AuditEntry>>(`/audit${query({ customerId })}`)),
    [customerId, version],
  );
  return (
    <section class="card" aria-labelledby="audit-title">
      <h2 id="audit-title">{t('auditTrail')}</h2>
      <ErrorMessage error={entries.error} />
      {entries.data?.length === 0 && <p class="empty">{t('noAudit')}</p>}
      {(entries.data?.length ?? 0) > 0 && (
        <div class="table-wrap">
          <table class="audit">
            <thead>
              <tr>
                <th scope="col">{t('when')}</th>
                <th scope="col">{t('event')}</th>
                <th scope="col">{t('actor')}</th>
                <th scope="col" class="optional">
                  {t('object')}
                </th>
              </tr>
            </thead>
            <tbody>
              {(entries.data ?? []).map((entry) => (
                <tr key={entry.id}>
                  <td class="nowrap">{formatDate(entry.occurredAt)}</td>
                  <td>
                    <code>{entry.type}</code>
                  </td>
                  <td>{entry.actor}</td>
                  <td class="optional">
                    {entry.object.type} {entry.object.id}
                    {entry.jobId !== null &&
                      ` · ${t('jobTitle', { id: entry.jobId, action: '' }).replace(/:\s*$/, '')}`}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
