import { useState } from 'preact/hooks';
import { api, answerOf } from '../api';
import { ErrorMessage } from '../components/errors';
import { useResource } from '../components/resource';
import type { MessageKey } from '../i18n/en';
import { useI18n } from '../i18n/i18n';

/** The plan: bulk jobs waiting for their time (GET /jobs?state=scheduled), each cancellable until it starts. */
export function ScheduledJobsScreen() {
  const { t, formatDate } = useI18n();
  const jobs = useResource(
    () =>
      answerOf(api.GET('/api/v1/jobs', { params: { query: { state: 'scheduled', limit: 200 } } })),
    [],
  );
  const [cancelled, setCancelled] = useState<number | undefined>();
  const [actionError, setActionError] = useState<unknown>();

  async function cancel(id: number) {
    setActionError(undefined);
    setCancelled(undefined);
    try {
      await answerOf(api.POST('/api/v1/jobs/{id}/cancel', { params: { path: { id } } }));
      setCancelled(id);
    } catch (error) {
      setActionError(error);
    }
    await jobs.reload();
  }

  // Soonest first: that is the order they will run in.
  const items = [...(jobs.data?.items ?? [])].sort((a, b) =>
    (a.runAt ?? '').localeCompare(b.runAt ?? ''),
  );
  return (
    <div class="screen">
      <div class="screen-head">
        <h1>{t('scheduledJobsTitle')}</h1>
      </div>
      <ErrorMessage error={jobs.error} />
      <ErrorMessage error={actionError} />
      {cancelled !== undefined && (
        <p class="message success" role="status">
          {t('jobCancelled', { id: cancelled })}
        </p>
      )}
      {jobs.data && items.length === 0 && <p class="empty">{t('noScheduledJobs')}</p>}
      {items.length > 0 && (
        <div class="table-wrap">
          <table class="scheduled">
            <thead>
              <tr>
                <th scope="col">{t('runAtColumn')}</th>
                <th scope="col">{t('actionColumn')}</th>
                <th scope="col">{t('customersColumn')}</th>
                <th scope="col">{t('reasonColumn')}</th>
                <th scope="col">
                  <span class="visually-hidden">{t('actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((job) => (
                <tr key={job.id} data-job-id={job.id}>
                  <td class="nowrap">{formatDate(job.runAt)}</td>
                  <td>{t(`action_${job.action}` as MessageKey)}</td>
                  <td>{t('customerCount', { count: job.total })}</td>
                  <td>{job.reason ?? ''}</td>
                  <td>
                    <button
                      type="button"
                      class="secondary danger-text"
                      aria-label={t('cancelJob', { id: job.id })}
                      onClick={() => void cancel(job.id)}
                    >
                      {t('cancel')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
