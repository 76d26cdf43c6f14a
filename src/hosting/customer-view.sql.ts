import { CustomerAdminView, CustomerSuspensionView } from './customer.views';
import { isoSql } from './reasons.sql';
import { jsonObjectSql } from './view-fields';

/**
 * `toAdminView` built in SQL from the customer row `alias` as it is at that point of the
 * transaction, for events written by `INSERT ... SELECT` (a bulk chunk announces 200 customers
 * without loading them as entities). Typed by the view's keys; test/customer-view-sql.e2e-spec.ts
 * checks that both give the same JSON.
 */
export function customerAdminViewSql(alias: string): string {
  const column = (name: string) => `${alias}.${name}`;
  const suspension = jsonObjectSql<CustomerSuspensionView>({
    reason: column('suspension_reason'),
    suspendedAt: isoSql(column('suspended_at')),
    suspendedBy: column('suspended_by'),
  });
  return jsonObjectSql<CustomerAdminView>({
    id: column('id'),
    username: column('username'),
    name: column('name'),
    company: column('company'),
    email: column('email'),
    phone: column('phone'),
    fax: column('fax'),
    address: column('address'),
    city: column('city'),
    state: column('state'),
    postalCode: column('postal_code'),
    country: column('country'),
    locale: column('locale'),
    additionalInfo: column('additional_info'),
    status: column('status'),
    createdAt: isoSql(column('created_at')),
    updatedAt: isoSql(column('updated_at')),
    description: column('description'),
    externalId: column('external_id'),
    // JSON_QUERY keeps the object JSON: through IF() MariaDB would embed it as a quoted string.
    suspension: `JSON_QUERY(IF(${column('status')} = 'suspended', ${suspension}, NULL), '$')`,
    guid: column('guid'),
    version: column('version'),
  });
}
