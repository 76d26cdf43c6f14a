import { useState } from 'preact/hooks';
import { api, answerOf } from '../api';
import { ErrorMessage } from '../components/errors';
import { PlanDialog } from '../components/plan-dialog';
import { useResource } from '../components/resource';
import { StatusBadge } from '../components/status';
import { useI18n } from '../i18n/i18n';
import { JobPlan } from '../model';
import { navigate } from '../router';
import { AuditTrail, describeActor } from './audit-trail';
import { CustomerServices } from './customer-services';
import { EditCustomer } from './edit-customer';

/** One customer: status actions, contact data and credentials, services, audit trail. */
export function CustomerScreen({ id }: { id: number }) {
  const { t, formatDate } = useI18n();
  const customer = useResource(
    () => answerOf(api.GET('/api/v1/customers/{id}', { params: { path: { id } } })),
    [id],
  );
  const [actionError, setActionError] = useState<unknown>();
  const [planning, setPlanning] = useState<'suspend' | 'remove' | undefined>();
  const [scheduled, setScheduled] = useState<{ id: number; runAt: string } | undefined>();
  // Bumped after every change so the audit trail shows it.
  const [changes, setChanges] = useState(0);
  // Bumped when the customer's status changed: the cascade changed its subscriptions and domains.
  const [statusChanges, setStatusChanges] = useState(0);
  const changed = () => {
    setChanges((count) => count + 1);
    void customer.reload();
  };

  async function act(action: 'suspend' | 'activate' | 'remove', plan: JobPlan = {}) {
    setActionError(undefined);
    setPlanning(undefined);
    setScheduled(undefined);
    try {
      if (plan.runAt) {
        // At a later time: a scheduled bulk job of one customer, listed under "Scheduled".
        const { jobId } = await answerOf(
          api.POST('/api/v1/customers/bulk', { body: { action, ids: [id], ...plan } }),
        );
        setScheduled({ id: jobId, runAt: plan.runAt });
        setChanges((count) => count + 1);
        return;
      }
      if (action === 'remove') {
        await answerOf(api.DELETE('/api/v1/customers/{id}', { params: { path: { id } } }));
        navigate('/customers');
        return;
      }
      const customerPath = { params: { path: { id } } };
      await answerOf(
        action === 'suspend'
          ? api.POST('/api/v1/customers/{id}/suspend', {
              ...customerPath,
              body: plan.reason ? { reason: plan.reason } : {},
            })
          : api.POST('/api/v1/customers/{id}/activate', customerPath),
      );
      setStatusChanges((count) => count + 1);
      changed();
    } catch (error) {
      setActionError(error);
    }
  }

  const data = customer.data;
  if (!data) {
    return (
      <div class="screen">
        <p class="crumb">
          <a href="#/customers">{t('backToList')}</a>
        </p>
        {customer.error ? (
          <ErrorMessage error={customer.error} />
        ) : (
          <p class="loading-page">{t('loading')}</p>
        )}
      </div>
    );
  }
  return (
    <div class="screen">
      <div class="screen-head">
        <p class="crumb">
          <a href="#/customers">{t('customers')}</a>
        </p>
        <h1>
          {data.name}
          {data.company && <span class="subtitle"> · {data.company}</span>}
        </h1>
        <p class="meta">
          <StatusBadge status={data.status} /> · {data.username} · {data.email} · {t('colCreated')}:{' '}
          {formatDate(data.createdAt)} · {t('colSubscriptions')}: {data.counts.subscriptions} ·{' '}
          {t('colDomains')}: {data.counts.domains}
        </p>
      </div>
      <div class="toolbar" role="toolbar" aria-label={t('actions')}>
        {data.status === 'active' ? (
          <button type="button" class="secondary" onClick={() => setPlanning('suspend')}>
            {t('suspend')}
          </button>
        ) : (
          <button type="button" class="secondary" onClick={() => void act('activate')}>
            {t('activate')}
          </button>
        )}
        <button type="button" class="secondary danger-text" onClick={() => setPlanning('remove')}>
          {t('remove')}
        </button>
      </div>
      {data.suspension && (
        <section class="card suspension" aria-label={t('suspended')}>
          <p>
            {t('suspendedSince', {
              time: formatDate(data.suspension.suspendedAt),
              actor: data.suspension.suspendedBy
                ? describeActor(t, data.suspension.suspendedBy)
                : '?',
            })}
          </p>
          <p class="suspension-reason">{data.suspension.reason ?? t('noReasonGiven')}</p>
        </section>
      )}
      <ErrorMessage error={actionError} />
      {scheduled && (
        <p class="message success" role="status">
          {t('scheduledNotice', { id: scheduled.id, time: formatDate(scheduled.runAt) })}{' '}
          <a href="#/scheduled">{t('scheduledJobsTitle')}</a>
        </p>
      )}
      <div class="columns">
        <div>
          <EditCustomer
            key={data.id}
            customer={data}
            onSaved={changed}
            onStale={() => void customer.reload()}
          />
        </div>
        <div>
          <CustomerServices customerId={id} manage onChanged={changed} refresh={statusChanges} />
          <AuditTrail customerId={id} version={changes} />
        </div>
      </div>
      {planning && (
        <PlanDialog
          title={t(planning === 'remove' ? 'removeCustomerTitle' : 'suspendCustomerTitle', {
            name: data.name,
          })}
          confirmLabel={t(planning)}
          withReason={planning === 'suspend'}
          onCancel={() => setPlanning(undefined)}
          onConfirm={(plan) => void act(planning, plan)}
        >
          {planning === 'remove' && (
            <p>
              <strong>{t('removeOneWarning')}</strong>
            </p>
          )}
        </PlanDialog>
      )}
    </div>
  );
}
