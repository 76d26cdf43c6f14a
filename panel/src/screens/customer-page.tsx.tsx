import { useState } from 'preact/hooks';
import { api } from '../api';
import { ConfirmDialog } from '../components/confirm-dialog';
import { ErrorMessage } from '../components/errors';
import { useResource } from '../components/resource';
import { StatusBadge } from '../components/status';
import { useI18n } from '../i18n/i18n';
import { Customer } from '../model';
import { navigate } from '../router';
import { AuditTrail } from './audit-trail';
import { CustomerServices } from './customer-services';
import { EditCustomer } from './edit-customer';

/** One customer: status actions, contact data and credentials, services, audit trail. */
export function CustomerScreen({ id }: { id: number }) {
  const { t, formatDate } = useI18n();
  const customer = useResource(() => api.get<Customer>(`/customers/${id}`), [id]);
  const [actionError, setActionError] = useState<unknown>();
  const [confirmRemove, setConfirmRemove] = useState(false);
  // Bumped after every change so the audit trail shows it.
  const [changes, setChanges] = useState(0);
  // Bumped when the customer's status changed: the cascade changed its subscriptions and domains.
  const [statusChanges, setStatusChanges] = useState(0);
  const changed = () => {
    setChanges((count) => count + 1);
    void customer.reload();
  };

  async function act(action: 'suspend' | 'activate' | 'remove') {
    setActionError(undefined);
    setConfirmRemove(false);
    try {
      if (action === 'remove') {
        await api.delete(`/customers/${id}`);
        navigate('/customers');
        return;
      }
      await api.post(`/customers/${id}/${action}`);
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
          <button type="button" class="secondary" onClick={() => void act('suspend')}>
            {t('suspend')}
          </button>
        ) : (
          <button type="button" class="secondary" onClick={() => void act('activate')}>
            {t('activate')}
          </button>
        )}
        <button type="button" class="secondary danger-text" onClick={() => setConfirmRemove(true)}>
          {t('remove')}
        </button>
      </div>
      <ErrorMessage error={actionError} />
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
      {confirmRemove && (
        <ConfirmDialog
          title={t('removeCustomerTitle', { name: data.name })}
          confirmLabel={t('remove')}
          onCancel={() => setConfirmRemove(false)}
          onConfirm={() => void act('remove')}
        >
          <p>
            <strong>{t('removeOneWarning')}</strong>
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
