import { useEffect, useState } from 'preact/hooks';
import { api, answerOf } from '../api';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/en';
import { Job, JobSummary } from '../model';
import { ErrorMessage } from './errors';

const POLL_MS = 500;

/**
 * GET /jobs/{id} answers either view (`results=false` leaves the outcomes out), so the document
 * says "one of the two"; the panel asks for the default, the one with `results`.
 */
const withOutcomes = (job: Job | JobSummary | undefined): job is Job =>
  job !== undefined && 'results' in job;

interface JobProgressProps {
  jobId: number;
  /** Names of the customers the job acts on, to show outcomes by name, not only by id. */
  names: Map<number, string>;
  onFinished: (job: Job | JobSummary) => void;
  onDismiss: () => void;
}

/** Polls GET /jobs/{id} until the job is done; shows progress and each customer's outcome. */
export function JobProgress({ jobId, names, onFinished, onDismiss }: JobProgressProps) {
  const { t } = useI18n();
  const [job, setJob] = useState<Job | JobSummary | undefined>();
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const current = await answerOf(
          api.GET('/api/v1/jobs/{id}', { params: { path: { id: jobId } } }),
        );
        if (stopped) return;
        setJob(current);
        setError(undefined);
        if (current.state === 'completed' || current.state === 'failed') return onFinished(current);
      } catch (failure) {
        if (stopped) return;
        setError(failure);
      }
      timer = setTimeout(poll, POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [jobId]);

  const done = job && (job.state === 'completed' || job.state === 'failed');
  const percent = job && job.total > 0 ? Math.round((job.processed / job.total) * 100) : 0;
  return (
    <section class="card job" aria-labelledby="job-title" data-job-state={job?.state ?? 'queued'}>
      <div class="job-head">
        <h2 id="job-title">
          {t('jobTitle', {
            id: jobId,
            action: job ? t(`action_${job.action}` as MessageKey) : '…',
          })}
        </h2>
        {done && (
          <button type="button" class="secondary" onClick={onDismiss}>
            {t('dismiss')}
          </button>
        )}
      </div>
      <div role="status" aria-live="polite" class="job-status">
        <strong>{t(`jobState_${job?.state ?? 'queued'}` as MessageKey)}</strong>
        {job && (
          <span>
            {' '}
            ·{' '}
            {t('jobProgress', {
              processed: job.processed,
              total: job.total,
              succeeded: job.succeeded,
              failed: job.failed,
            })}
          </span>
        )}
      </div>
      <progress max={100} value={percent} aria-label={t('jobTitle', { id: jobId, action: '' })}>
        {percent}%
      </progress>
      <ErrorMessage error={error} />
      {withOutcomes(job) && job.results.length > 0 && (
        <div class="table-wrap">
          <table class="outcomes">
            <thead>
              <tr>
                <th scope="col">{t('customerColumn')}</th>
                <th scope="col">{t('outcomeColumn')}</th>
              </tr>
            </thead>
            <tbody>
              {job.results.map((result) => (
                <tr key={result.id} data-customer-id={result.id}>
                  <td>{names.get(result.id) ?? `#${result.id}`}</td>
                  <td class={`outcome outcome-${result.outcome}`}>
                    {t(`outcome_${result.outcome}` as MessageKey)}
                    {result.error && <span class="outcome-error">: {result.error}</span>}
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
