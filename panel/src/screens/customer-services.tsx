import { useState } from 'preact/hooks';
import { api, answerOf } from '../api';
import { ConfirmDialog } from '../components/confirm-dialog';
import { ErrorMessage } from '../components/errors';
import { useResource } from '../components/resource';
import { StatusBadge } from '../components/status';
import { useI18n } from '../i18n/i18n';
import { AddDomain, AddSubscription } from './service-forms';

interface ServicesProps {
  /** The customer whose services are shown; undefined for a customer's own (the API scopes them). */
  customerId?: number;
  /** Administrators may suspend, activate, remove and add. */
  manage: boolean;
  /** Called after any change, so the page can refresh counts and the audit trail. */
  onChanged?: () => void;
  /** Changes when the customer's own status changed (its cascade changes these lists). */
  refresh?: number;
}

type Kind = 'subscriptions' | 'domains';
type Pending = { kind: Kind; id: number; name: string } | undefined;
type Change = 'suspend' | 'activate' | 'remove';

/** What the buttons of a row send, by kind of service. */
const CHANGES: Record<Kind, Record<Change, (id: number) => Promise<unknown>>> = {
  subscriptions: {
    suspend: (id) =>
      answerOf(api.POST('/api/v1/subscriptions/{id}/suspend', { params: { path: { id } } })),
    activate: (id) =>
      answerOf(api.POST('/api/v1/subscriptions/{id}/activate', { params: { path: { id } } })),
    remove: (id) =>
      answerOf(api.DELETE('/api/v1/subscriptions/{id}', { params: { path: { id } } })),
  },
  domains: {
    suspend: (id) =>
      answerOf(api.POST('/api/v1/domains/{id}/suspend', { params: { path: { id } } })),
    activate: (id) =>
      answerOf(api.POST('/api/v1/domains/{id}/activate', { params: { path: { id } } })),
    remove: (id) => answerOf(api.DELETE('/api/v1/domains/{id}', { params: { path: { id } } })),
  },
};

/** A customer's subscriptions and domains with their status and suspension reasons. */
export function CustomerServices({ customerId, manage, onChanged, refresh }: ServicesProps) {
  const { t, formatDate } = useI18n();
  // A customer page shows up to 200 of each; a customer with more is an edge the API's paging covers.
  const filter = { params: { query: { customerId, limit: 200 } } };
  const subscriptions = useResource(
    async () => (await answerOf(api.GET('/api/v1/subscriptions', filter))).items,
    [customerId, refresh],
  );
  const domains = useResource(
    async () => (await answerOf(api.GET('/api/v1/domains', filter))).items,
    [customerId, refresh],
  );
  const [actionError, setActionError] = useState<unknown>();
  const [removing, setRemoving] = useState<Pending>();

  async function act(change: () => Promise<unknown>) {
    setActionError(undefined);
    try {
      await change();
    } catch (error) {
      setActionError(error);
    }
    await Promise.all([subscriptions.reload(), domains.reload()]);
    onChanged?.();
  }

  const subscriptionName = new Map(
    (subscriptions.data ?? []).map((subscription) => [
      subscription.id,
      subscription.unicodeName ?? subscription.name,
    ]),
  );
  const actions = (kind: Kind, item: { id: number; name: string; status: string }) =>
    manage && (
      <div class="row-actions">
        {item.status === 'active' ? (
          <button
            type="button"
            class="small secondary"
            onClick={() => void act(() => CHANGES[kind].suspend(item.id))}
            aria-label={`${t('suspend')} ${item.name}`}
          >
            {t('suspend')}
          </button>
        ) : (
          <button
            type="button"
            class="small secondary"
            onClick={() => void act(() => CHANGES[kind].activate(item.id))}
            aria-label={`${t('activate')} ${item.name}`}
          >
            {t('activate')}
          </button>
        )}
        <button
          type="button"
          class="small secondary danger-text"
          onClick={() => setRemoving({ kind, id: item.id, name: item.name })}
          aria-label={`${t('remove')} ${item.name}`}
        >
          {t('remove')}
        </button>
      </div>
    );

  return (
    <>
      <section class="card" aria-labelledby="subscriptions-title">
        <h2 id="subscriptions-title">{t('subscriptions')}</h2>
        <ErrorMessage error={actionError} />
        <ErrorMessage error={subscriptions.error} />
        <div class="table-wrap">
          <table class="subscriptions" aria-busy={subscriptions.loading ? 'true' : 'false'}>
            <thead>
              <tr>
                <th scope="col">{t('subscription')}</th>
                <th scope="col">{t('plan')}</th>
                <th scope="col">{t('colStatus')}</th>
                <th scope="col" class="optional">
                  {t('expiresAt')}
                </th>
                {manage && <th scope="col">{t('actions')}</th>}
              </tr>
            </thead>
            <tbody>
              {subscriptions.data?.length === 0 && (
                <tr>
                  <td colSpan={5} class="empty">
                    {t('noSubscriptions')}
                  </td>
                </tr>
              )}
              {(subscriptions.data ?? []).map((subscription) => (
                <tr key={subscription.id} data-subscription-id={subscription.id}>
                  <td>{subscription.unicodeName ?? subscription.name}</td>
                  <td>{subscription.plan}</td>
                  <td>
                    <StatusBadge
                      status={subscription.status}
                      reasons={subscription.suspendedReasons}
                    />
                  </td>
                  <td class="optional nowrap">{formatDate(subscription.expiresAt)}</td>
                  {manage && (
                    <td>
                      {actions('subscriptions', {
                        ...subscription,
                        name: subscription.unicodeName ?? subscription.name,
                      })}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {manage && customerId !== undefined && (
          <AddSubscription
            customerId={customerId}
            onAdded={() => void act(async () => undefined)}
          />
        )}
      </section>

      <section class="card" aria-labelledby="domains-title">
        <h2 id="domains-title">{t('domains')}</h2>
        <ErrorMessage error={domains.error} />
        <div class="table-wrap">
          <table class="domains" aria-busy={domains.loading ? 'true' : 'false'}>
            <thead>
              <tr>
                <th scope="col">{t('domainName')}</th>
                <th scope="col" class="optional">
                  {t('subscription')}
                </th>
                <th scope="col">{t('colStatus')}</th>
                {manage && <th scope="col">{t('actions')}</th>}
              </tr>
            </thead>
            <tbody>
              {domains.data?.length === 0 && (
                <tr>
                  <td colSpan={4} class="empty">
                    {t('noDomains')}
                  </td>
                </tr>
              )}
              {(domains.data ?? []).map((domain) => {
                const shown = domain.unicodeName;
                return (
                  <tr key={domain.id} data-domain-id={domain.id} data-domain-name={domain.name}>
                    <td>
                      {shown}
                      {shown !== domain.name && <span class="punycode"> ({domain.name})</span>}
                    </td>
                    <td class="optional">{subscriptionName.get(domain.subscriptionId) ?? ''}</td>
                    <td>
                      <StatusBadge status={domain.status} reasons={domain.suspendedReasons} />
                    </td>
                    {manage && <td>{actions('domains', { ...domain, name: shown })}</td>}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        {manage && (subscriptions.data?.length ?? 0) > 0 && (
          <AddDomain
            subscriptions={subscriptions.data ?? []}
            onAdded={() => void act(async () => undefined)}
          />
        )}
      </section>

      {removing && (
        <ConfirmDialog
          title={
            removing.kind === 'subscriptions'
              ? t('removeSubscriptionConfirm', { name: removing.name })
              : t('removeDomainConfirm', { name: removing.name })
          }
          confirmLabel={t('remove')}
          onCancel={() => setRemoving(undefined)}
          onConfirm={() => {
            const target = removing;
            setRemoving(undefined);
            void act(() => CHANGES[target.kind].remove(target.id));
          }}
        >
          <p>
            {removing.kind === 'subscriptions'
              ? t('removeSubscriptionConfirm', { name: removing.name })
              : t('removeDomainConfirm', { name: removing.name })}
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
