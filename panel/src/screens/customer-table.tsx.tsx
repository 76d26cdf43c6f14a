import { useEffect, useRef } from 'preact/hooks';
import { StatusBadge } from '../components/status';
import { useI18n } from '../i18n/i18n';
import { Customer } from '../model';

interface CustomerTableProps {
  items: Customer[];
  loading: boolean;
  /** Rows to reserve while the first page loads, so the layout does not jump. */
  rows: number;
  selected: Map<number, string>;
  onSelect: (selected: Map<number, string>) => void;
}

export function CustomerTable({ items, loading, rows, selected, onSelect }: CustomerTableProps) {
  const { t, formatDay } = useI18n();
  const selectAll = useRef<HTMLInputElement>(null);
  const checkedHere = items.filter((customer) => selected.has(customer.id)).length;
  const allChecked = items.length > 0 && checkedHere === items.length;

  useEffect(() => {
    if (selectAll.current) selectAll.current.indeterminate = checkedHere > 0 && !allChecked;
  }, [checkedHere, allChecked]);

  function toggle(customer: Customer, checked: boolean) {
    const next = new Map(selected);
    if (checked) next.set(customer.id, customer.name);
    else next.delete(customer.id);
    onSelect(next);
  }

  function toggleAll(checked: boolean) {
    const next = new Map(selected);
    for (const customer of items) {
      if (checked) next.set(customer.id, customer.name);
      else next.delete(customer.id);
    }
    onSelect(next);
  }

  return (
    <div class="table-wrap">
      <table class="customers" aria-busy={loading ? 'true' : 'false'}>
        <thead>
          <tr>
            <th scope="col" class="check">
              <input
                type="checkbox"
                ref={selectAll}
                checked={allChecked}
                disabled={items.length === 0}
                aria-label={t('selectAll')}
                onChange={(event) => toggleAll(event.currentTarget.checked)}
              />
            </th>
            <th scope="col">{t('colName')}</th>
            <th scope="col" class="optional">
              {t('colCompany')}
            </th>
            <th scope="col" class="optional-phone">
              {t('colUsername')}
            </th>
            <th scope="col" class="optional">
              {t('colEmail')}
            </th>
            <th scope="col">{t('colStatus')}</th>
            <th scope="col" class="number optional">
              {t('colSubscriptions')}
            </th>
            <th scope="col" class="number optional">
              {t('colDomains')}
            </th>
            <th scope="col" class="optional">
              {t('colCreated')}
            </th>
          </tr>
        </thead>
        <tbody>
          {loading &&
            Array.from({ length: Math.min(rows, 10) }, (_, index) => (
              <tr key={`placeholder-${index}`} class="placeholder" aria-hidden="true">
                <td colSpan={9}>&nbsp;</td>
              </tr>
            ))}
          {!loading && items.length === 0 && (
            <tr>
              <td colSpan={9} class="empty">
                {t('noCustomers')}
              </td>
            </tr>
          )}
          {items.map((customer) => (
            <tr
              key={customer.id}
              data-customer-id={customer.id}
              class={selected.has(customer.id) ? 'selected' : undefined}
            >
              <td class="check">
                <input
                  type="checkbox"
                  checked={selected.has(customer.id)}
                  aria-label={t('selectRow', { name: customer.name })}
                  onChange={(event) => toggle(customer, event.currentTarget.checked)}
                />
              </td>
              <td>
                <a href={`#/customers/${customer.id}`}>{customer.name}</a>
              </td>
              <td class="optional">{customer.company ?? ''}</td>
              <td class="optional-phone">{customer.username}</td>
              <td class="optional">{customer.email}</td>
              <td>
                <StatusBadge status={customer.status} />
              </td>
              <td class="number optional">{customer.counts.subscriptions}</td>
              <td class="number optional">{customer.counts.domains}</td>
              <td class="optional nowrap">{formatDay(customer.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
