import { useState } from 'preact/hooks';
import { api, answerOf } from '../api';
import { ErrorMessage } from '../components/errors';
import { choiceOf } from '../components/field';
import { JobProgress } from '../components/job-progress';
import { MenuButton } from '../components/menu-button';
import { PlanDialog } from '../components/plan-dialog';
import { useResource } from '../components/resource';
import { useI18n } from '../i18n/i18n';
import { BulkAction, JobPlan, Status } from '../model';
import { CustomerTable } from './customer-table';

const PAGE_SIZES = [10, 25, 50, 100];
const STATUSES: Status[] = ['active', 'suspended'];

/** Plesk's "Customers" screen: search, filter, page, check rows, act on them in bulk. */
export function CustomerListScreen() {
  const { t, formatDate } = useI18n();
  const [searchText, setSearchText] = useState('');
  const [filter, setFilter] = useState<{ q: string; status?: Status; limit: number }>({
    q: '',
    limit: 25,
  });
  // Cursors of the pages visited so far; the first page has none.
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const [selected, setSelected] = useState<Map<number, string>>(new Map());
  // The dialog that asks for a reason and an optional time before suspending or removing.
  const [planning, setPlanning] = useState<'suspend' | 'remove' | undefined>();
  const [job, setJob] = useState<{ id: number; names: Map<number, string> } | undefined>();
  const [scheduled, setScheduled] = useState<{ id: number; runAt: string } | undefined>();
  const [actionError, setActionError] = useState<unknown>();

  const page = useResource(
    () =>
      answerOf(
        api.GET('/api/v1/customers', {
          params: {
            query: {
              q: filter.q || undefined,
              status: filter.status,
              limit: filter.limit,
              cursor,
            },
          },
        }),
      ),
    [filter, cursor],
  );

  function applyFilter(next: Partial<typeof filter>) {
    setFilter({ ...filter, ...next });
    setCursors([undefined]);
  }

  async function runBulk(action: BulkAction, plan: JobPlan = {}) {
    setActionError(undefined);
    setPlanning(undefined);
    setScheduled(undefined);
    const names = new Map(selected);
    try {
      const { jobId } = await answerOf(
        api.POST('/api/v1/customers/bulk', { body: { action, ids: [...names.keys()], ...plan } }),
      );
      if (plan.runAt) {
        // Nothing to watch until then: the job waits in the "Scheduled" list.
        setScheduled({ id: jobId, runAt: plan.runAt });
        setSelected(new Map());
        return;
      }
      setJob({ id: jobId, names });
    } catch (error) {
      setActionError(error);
    }
  }

  const items = page.data?.items ?? [];
  const none = selected.size === 0;
  return (
    <div class="screen">
      <div class="screen-head">
        <h1>{t('customers')}</h1>
      </div>

      <form
        class="filters"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          applyFilter({ q: searchText.trim() });
        }}
      >
        <label class="grow">
          <span class="visually-hidden">{t('search')}</span>
          <input
            type="search"
            placeholder={t('searchPlaceholder')}
            aria-label={t('search')}
            value={searchText}
            maxLength={100}
            onInput={(event) => setSearchText(event.currentTarget.value)}
          />
        </label>
        <button type="submit" class="secondary">
          {t('search')}
        </button>
        <label class="inline-field">
          {t('statusFilter')}
          <select
            value={filter.status ?? ''}
            onChange={(event) =>
              applyFilter({ status: choiceOf(STATUSES, event.currentTarget.value) })
            }
          >
            <option value="">{t('allStatuses')}</option>
            <option value="active">{t('active')}</option>
            <option value="suspended">{t('suspended')}</option>
          </select>
        </label>
      </form>

      <div class="toolbar" role="toolbar" aria-label={t('actions')}>
        <a class="button primary" href="#/customers/new">
          {t('addCustomer')}
        </a>
        <MenuButton
          label={t('changeStatus')}
          disabled={none}
          items={[
            { label: t('suspend'), onSelect: () => setPlanning('suspend') },
            { label: t('activate'), onSelect: () => void runBulk('activate') },
          ]}
        />
        <button
          type="button"
          class="secondary danger-text"
          disabled={none}
          onClick={() => setPlanning('remove')}
        >
          {t('remove')}
        </button>
        <span class="selected-count" aria-live="polite">
          {none ? '' : t('selectedCount', { count: selected.size })}
        </span>
      </div>

      <ErrorMessage error={actionError} />
      {scheduled && (
        <p class="message success" role="status">
          {t('scheduledNotice', { id: scheduled.id, time: formatDate(scheduled.runAt) })}{' '}
          <a href="#/scheduled">{t('scheduledJobsTitle')}</a>
        </p>
      )}
      {job && (
        <JobProgress
          key={job.id}
          jobId={job.id}
          names={job.names}
          onFinished={() => {
            setSelected(new Map());
            void page.reload();
          }}
          onDismiss={() => setJob(undefined)}
        />
      )}

      <ErrorMessage error={page.error} />
      <CustomerTable
        items={items}
        loading={page.loading && !page.data}
        rows={filter.limit}
        selected={selected}
        onSelect={setSelected}
      />

      <nav class="pager" aria-label={t('pageNumber', { page: cursors.length })}>
        <button
          type="button"
          class="secondary"
          disabled={cursors.length === 1}
          onClick={() => setCursors(cursors.slice(0, -1))}
        >
          ← {t('previousPage')}
        </button>
        <span>{t('pageNumber', { page: cursors.length })}</span>
        <button
          type="button"
          class="secondary"
          disabled={!page.data?.nextCursor}
          onClick={() => setCursors([...cursors, page.data?.nextCursor ?? undefined])}
        >
          {t('nextPage')} →
        </button>
        <label class="inline-field">
          {t('pageSize')}
          <select
            value={String(filter.limit)}
            onChange={(event) => applyFilter({ limit: Number(event.currentTarget.value) })}
          >
            {PAGE_SIZES.map((size) => (
              <option key={size} value={String(size)}>
                {size}
              </option>
            ))}
          </select>
        </label>
      </nav>

      {planning && (
        <PlanDialog
          title={t(planning === 'remove' ? 'removeCustomersTitle' : 'suspendCustomersTitle', {
            count: selected.size,
          })}
          confirmLabel={t(planning)}
          withReason={planning === 'suspend'}
          onCancel={() => setPlanning(undefined)}
          onConfirm={(plan) => void runBulk(planning, plan)}
        >
          {planning === 'remove' && (
            <p>
              <strong>{t('removeWarning')}</strong>
            </p>
          )}
          <ul class="names">
            {[...selected.values()].map((name) => (
              <li key={name}>{name}</li>
            ))}
          </ul>
        </PlanDialog>
      )}
    </div>
  );
}
