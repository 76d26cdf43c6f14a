import { isoSql } from './reasons.sql';
import { CustomerStatus } from './customer.entity';
import { CustomerDetailView } from './customer.views';

/**
 * A customer as the read paths select it: plain columns, timestamps already ISO 8601 strings,
 * counts of subscriptions and domains. Reading rows instead of managed entities keeps the list
 * and the single read free of hydration and the identity map, which a read never needs.
 */
export interface CustomerDetailRow {
  id: number;
  username: string;
  name: string;
  company: string | null;
  email: string;
  phone: string | null;
  fax: string | null;
  address: string | null;
  city: string | null;
  state: string | null;
  postalCode: string | null;
  country: string | null;
  locale: string;
  additionalInfo: string | null;
  description: string | null;
  externalId: string | null;
  guid: string;
  status: CustomerStatus;
  suspensionReason: string | null;
  suspendedAt: string | null;
  suspendedBy: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
  subscriptionCount: number | string;
  domainCount: number | string;
}

/** The select list of a `CustomerDetailRow` over `customer c`. */
export const CUSTOMER_DETAIL_COLUMNS = [
  'c.id',
  'c.username',
  'c.name',
  'c.company',
  'c.email',
  'c.phone',
  'c.fax',
  'c.address',
  'c.city',
  'c.state',
  'c.postal_code AS postalCode',
  'c.country',
  'c.locale',
  'c.additional_info AS additionalInfo',
  'c.description',
  'c.external_id AS externalId',
  'c.guid',
  'c.status',
  'c.suspension_reason AS suspensionReason',
  `${isoSql('c.suspended_at')} AS suspendedAt`,
  'c.suspended_by AS suspendedBy',
  `${isoSql('c.created_at')} AS createdAt`,
  `${isoSql('c.updated_at')} AS updatedAt`,
  'c.version',
  '(SELECT COUNT(*) FROM subscription s WHERE s.customer_id = c.id) AS subscriptionCount',
  '(SELECT COUNT(*) FROM domain d WHERE d.customer_id = c.id) AS domainCount',
].join(', ');

/** The administrators' view of a row, key for key in the order of `toDetailView`. */
export function detailViewOfRow(row: CustomerDetailRow): CustomerDetailView {
  return {
    id: row.id,
    username: row.username,
    name: row.name,
    company: row.company,
    email: row.email,
    phone: row.phone,
    fax: row.fax,
    address: row.address,
    city: row.city,
    state: row.state,
    postalCode: row.postalCode,
    country: row.country,
    locale: row.locale,
    additionalInfo: row.additionalInfo,
    status: row.status,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    description: row.description,
    externalId: row.externalId,
    suspension:
      row.status === 'suspended'
        ? {
            reason: row.suspensionReason,
            suspendedAt: row.suspendedAt,
            suspendedBy: row.suspendedBy,
          }
        : null,
    guid: row.guid,
    version: row.version,
    counts: { subscriptions: Number(row.subscriptionCount), domains: Number(row.domainCount) },
  };
}
