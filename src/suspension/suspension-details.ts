import { EntityManager } from '@mikro-orm/mysql';
import { Customer } from '../hosting/customer.entity';
import { toAdminView } from '../hosting/customer.views';
import { CascadeStatements, ChangeContext, Condition, idsIn } from './cascade-statements';

/** Staff-only details of a customer's suspension, stored on its row: why, since when, by whom. */
export interface SuspensionDetails {
  /** 0-255 characters; omitted (undefined) leaves an already suspended customer's reason as it is. */
  reason?: string | null;
  /** Who to name as having suspended it; the context's actor by default (`job:<id>` for a scheduled job). */
  suspendedBy?: string;
}

/** A customer row as the cascade read it under its lock. */
interface LockedCustomer {
  id: number;
  status: string;
  event_sequence: number;
  suspension_reason: string | null;
}

/** The SET clause for the customers that change status: filled on suspension, cleared on activation. */
export function suspensionColumns(
  target: 'suspended' | 'active',
  details: SuspensionDetails,
  context: ChangeContext,
  timestamp: string,
): Condition {
  if (target === 'active')
    return {
      sql: 'suspension_reason = NULL, suspended_at = NULL, suspended_by = NULL',
      params: [],
    };
  return {
    sql: `suspension_reason = ?, suspended_at = ${timestamp}, suspended_by = ?`,
    params: [details.reason || null, details.suspendedBy ?? context.actor],
  };
}

/**
 * Re-suspending with a different reason: no transition, but the new reason is stored (one
 * set-based UPDATE of the locked rows) and recorded as `customer.updated`, so the audit trail
 * shows who changed it and to what.
 */
export async function replaceReasons(
  em: EntityManager,
  rows: LockedCustomer[],
  context: ChangeContext,
  details: SuspensionDetails,
): Promise<void> {
  if (details.reason === undefined) return;
  const reason = details.reason || null;
  const stale = rows.filter(
    (row) => row.status === 'suspended' && row.suspension_reason !== reason,
  );
  if (stale.length === 0) return;
  const ids = stale.map((row) => row.id);
  const statements = new CascadeStatements(
    em,
    context,
    new Map(stale.map((row) => [row.id, Number(row.event_sequence)])),
  );
  const where = idsIn('id', ids);
  await statements.run(
    `UPDATE customer SET suspension_reason = ?, version = version + 1, updated_at = ${statements.timestamp} WHERE ${where.sql}`,
    [reason, ...where.params],
  );
  const updated = await em.find(
    Customer,
    { id: { $in: ids } },
    { refresh: true, orderBy: { id: 'asc' } },
  );
  await statements.insertPrepared(
    updated.map((customer) => ({
      type: 'customer.updated',
      objectType: 'customer',
      objectId: customer.id,
      customerId: customer.id,
      payload: { customer: toAdminView(customer), changes: ['suspension.reason'], reason },
    })),
  );
  await statements.saveSequences();
}
