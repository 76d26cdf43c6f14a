import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/mysql';
import { revokeCustomerSessions } from '../hosting/customer-sessions';
import { customerAdminViewSql } from '../hosting/customer-view.sql';
import { jsonObjectSql } from '../hosting/view-fields';
import { CustomerStatusData, CustomerSuspendedData } from '../events/event-payloads';
import { CascadeStatements, ChangeContext, idsIn } from './cascade-statements';
import { datetimeLiteral, reasonsJsonSql, reasonValuesSql } from '../hosting/reasons.sql';
import { replaceReasons, SuspensionDetails, suspensionColumns } from './suspension-details';

export type { SuspensionDetails } from './suspension-details';
import { ALL_REASONS, SuspensionReason } from '../hosting/suspension-reason';

export type { ChangeContext } from './cascade-statements';
export type SuspendOutcome = 'suspended' | 'unchanged' | 'not_found';
export type ActivateOutcome = 'activated' | 'unchanged' | 'not_found';

const CUSTOMER = SuspensionReason.Customer;
const ADMIN = SuspensionReason.Admin;
const EXPIRED = SuspensionReason.Expired;
const without = (bit: SuspensionReason) => ALL_REASONS & ~bit;

interface LockedCustomer {
  id: number;
  status: string;
  event_sequence: number;
  suspension_reason: string | null;
}

const sequencesOf = (customers: LockedCustomer[]) =>
  new Map(customers.map((customer) => [customer.id, Number(customer.event_sequence)]));

/**
 * The one place that changes the status of customers, subscriptions and domains. Every method runs
 * inside the caller's transaction, locks the customers concerned (`FOR UPDATE`, in id order, so
 * concurrent chunks cannot deadlock on each other), applies the cascade with a constant number of
 * set-based statements, and writes the events of exactly the transitions it caused.
 *
 * Callers open the transaction with `CASCADE_TRANSACTION` (READ COMMITTED, see there).
 * Customer events carry `reasonsBefore`/`reasonsAfter` too: `['admin']` while suspended, `[]` while active.
 */
@Injectable()
export class SuspensionService {
  /** Already suspended customers stay so (`unchanged`, no event); a new `reason` replaces theirs (a `customer.updated` event). */
  suspendCustomers(
    em: EntityManager,
    ids: number[],
    context: ChangeContext,
    details: SuspensionDetails = {},
  ): Promise<Map<number, SuspendOutcome>> {
    return this.changeCustomers(em, ids, context, 'suspended', details);
  }

  activateCustomers(
    em: EntityManager,
    ids: number[],
    context: ChangeContext,
  ): Promise<Map<number, ActivateOutcome>> {
    return this.changeCustomers(em, ids, context, 'active', {});
  }

  suspendSubscription(
    em: EntityManager,
    id: number,
    context: ChangeContext,
  ): Promise<SuspendOutcome> {
    return this.changeSubscription(em, id, context, `s.suspended_reasons | ${ADMIN}`, 'suspended');
  }

  activateSubscription(
    em: EntityManager,
    id: number,
    context: ChangeContext,
  ): Promise<ActivateOutcome> {
    return this.changeSubscription(
      em,
      id,
      context,
      `s.suspended_reasons & ${without(ADMIN)}`,
      'activated',
    );
  }

  suspendDomain(em: EntityManager, id: number, context: ChangeContext): Promise<SuspendOutcome> {
    return this.changeDomain(em, id, context, `d.suspended_reasons | ${ADMIN}`, 'suspended');
  }

  activateDomain(em: EntityManager, id: number, context: ChangeContext): Promise<ActivateOutcome> {
    return this.changeDomain(
      em,
      id,
      context,
      `d.suspended_reasons & ${without(ADMIN)}`,
      'activated',
    );
  }

  /**
   * Sets `expired` on subscriptions whose `expiresAt` has passed and lifts it where `expiresAt` is
   * cleared or in the future, cascading to their domains. Limited to `subscriptionIds` when given
   * (after an edit of `expiresAt`); otherwise all subscriptions (the repeatable expiry job).
   *
   * The owners of the subscriptions to change are found by two reads of `subscription_expiry_idx`
   * (reasons, expires_at): those due (no `expired` yet, `expires_at <= now`) and those renewed
   * (`expired`, `expires_at` NULL or later than now). Each is one index range per reasons value, so
   * a pass reads the subscriptions that change, not the table.
   */
  async applyExpiry(
    em: EntityManager,
    now: Date,
    context: ChangeContext,
    subscriptionIds?: number[],
  ): Promise<{ expired: number; renewed: number }> {
    const moment = datetimeLiteral(now);
    const due = `(s.expires_at IS NOT NULL AND s.expires_at <= ${moment})`;
    const only = subscriptionIds ? idsIn('s.id', subscriptionIds) : { sql: 'TRUE', params: [] };
    const owners = await em.execute<Array<{ customer_id: number }>>(
      `SELECT s.customer_id FROM subscription s
        WHERE s.suspended_reasons IN (${reasonValuesSql(EXPIRED, false)}) AND s.expires_at <= ${moment} AND ${only.sql}
       UNION
       SELECT s.customer_id FROM subscription s
        WHERE s.suspended_reasons IN (${reasonValuesSql(EXPIRED, true)}) AND (s.expires_at IS NULL OR s.expires_at > ${moment}) AND ${only.sql}`,
      [...only.params, ...only.params],
    );
    const locked = await this.lockCustomerRows(
      em,
      owners.map((row) => row.customer_id),
    );
    const customerIds = locked.map((row) => row.id);
    if (customerIds.length === 0) return { expired: 0, renewed: 0 };

    const statements = new CascadeStatements(em, context, sequencesOf(locked));
    const mine = idsIn('s.customer_id', customerIds);
    const scoped = subscriptionIds
      ? {
          sql: `${mine.sql} AND ${idsIn('s.id', subscriptionIds).sql}`,
          params: [...mine.params, ...subscriptionIds],
        }
      : mine;
    const expiring = { sql: `${scoped.sql} AND ${due}`, params: scoped.params };
    const renewing = { sql: `${scoped.sql} AND NOT ${due}`, params: scoped.params };
    const expired = await statements.changeSubscriptions(
      expiring,
      `s.suspended_reasons | ${EXPIRED}`,
    );
    const renewed = await statements.changeSubscriptions(
      renewing,
      `s.suspended_reasons & ${without(EXPIRED)}`,
    );
    await statements.syncDomainsWithSubscriptions(mine, idsIn('d.customer_id', customerIds));
    await statements.saveSequences();
    return { expired: expired.changed, renewed: renewed.changed };
  }

  private async changeCustomers<O extends SuspendOutcome | ActivateOutcome>(
    em: EntityManager,
    ids: number[],
    context: ChangeContext,
    target: 'suspended' | 'active',
    details: SuspensionDetails,
  ): Promise<Map<number, O>> {
    const changed: O = (target === 'suspended' ? 'suspended' : 'activated') as O;
    const outcomes = new Map<number, O>(ids.map((id) => [id, 'not_found' as O]));
    const rows = await this.lockCustomerRows(em, ids);
    for (const row of rows)
      outcomes.set(row.id, row.status === target ? ('unchanged' as O) : changed);
    if (target === 'suspended') await replaceReasons(em, rows, context, details);
    const moving = rows.filter((row) => row.status !== target).map((row) => row.id);
    if (moving.length === 0) return outcomes;

    const statements = new CascadeStatements(
      em,
      context,
      sequencesOf(rows.filter((row) => row.status !== target)),
    );
    const customers = idsIn('id', moving);
    const suspension = suspensionColumns(target, details, context, statements.timestamp);
    await statements.run(
      `UPDATE customer SET status = ?, ${suspension.sql}, version = version + 1, updated_at = ${statements.timestamp} WHERE ${customers.sql}`,
      [target, ...suspension.params, ...customers.params],
    );
    const [before, after] =
      target === 'suspended' ? [0, SuspensionReason.Admin] : [SuspensionReason.Admin, 0];
    const status = {
      customer: customerAdminViewSql('c'),
      reasonsBefore: reasonsJsonSql(String(before)),
      reasonsAfter: reasonsJsonSql(String(after)),
    };
    await (target === 'suspended'
      ? statements.announceCustomers(
          'customer.suspended',
          jsonObjectSql<CustomerSuspendedData>({ ...status, reason: 'c.suspension_reason' }),
        )
      : statements.announceCustomers(
          'customer.activated',
          jsonObjectSql<CustomerStatusData>(status),
        ));
    const next =
      target === 'suspended'
        ? `s.suspended_reasons | ${CUSTOMER}`
        : `s.suspended_reasons & ${without(CUSTOMER)}`;
    await statements.changeSubscriptions(idsIn('s.customer_id', moving), next);
    await statements.syncDomainsWithSubscriptions(
      idsIn('s.customer_id', moving),
      idsIn('d.customer_id', moving),
    );
    await statements.saveSequences();
    if (target === 'suspended') await revokeCustomerSessions(em, moving);
    return outcomes;
  }

  private async changeSubscription<O extends SuspendOutcome | ActivateOutcome>(
    em: EntityManager,
    id: number,
    context: ChangeContext,
    next: string,
    changed: O,
  ): Promise<O> {
    const owner = await this.ownerOf(em, 'subscription', id);
    if (owner === undefined) return 'not_found' as O;
    const statements = new CascadeStatements(em, context, sequencesOf([owner]));
    const { transitions } = await statements.changeSubscriptions(
      { sql: 's.id = ?', params: [id] },
      next,
    );
    await statements.syncDomainsWithSubscriptions(
      { sql: 's.id = ?', params: [id] },
      { sql: 'd.subscription_id = ?', params: [id] },
    );
    await statements.saveSequences();
    return transitions > 0 ? changed : ('unchanged' as O);
  }

  private async changeDomain<O extends SuspendOutcome | ActivateOutcome>(
    em: EntityManager,
    id: number,
    context: ChangeContext,
    next: string,
    changed: O,
  ): Promise<O> {
    const owner = await this.ownerOf(em, 'domain', id);
    if (owner === undefined) return 'not_found' as O;
    const statements = new CascadeStatements(em, context, sequencesOf([owner]));
    const { transitions } = await statements.changeDomains({ sql: 'd.id = ?', params: [id] }, next);
    await statements.saveSequences();
    return transitions > 0 ? changed : ('unchanged' as O);
  }

  /** Locks the customer owning a subscription or domain, then the object itself; undefined when it does not exist (any more). */
  private async ownerOf(
    em: EntityManager,
    table: 'subscription' | 'domain',
    id: number,
  ): Promise<LockedCustomer | undefined> {
    const [row] = await em.execute<Array<{ customer_id: number }>>(
      `SELECT customer_id FROM ${table} WHERE id = ?`,
      [id],
    );
    if (!row) return undefined;
    const [owner] = await this.lockCustomerRows(em, [row.customer_id]);
    const [locked] = await em.execute<Array<{ customer_id: number }>>(
      `SELECT customer_id FROM ${table} WHERE id = ? FOR UPDATE`,
      [id],
    );
    return locked && owner ? owner : undefined;
  }

  /** `SELECT ... FOR UPDATE` in id order: every path locks customers the same way, so they cannot deadlock on each other. */
  private async lockCustomerRows(em: EntityManager, ids: number[]): Promise<LockedCustomer[]> {
    if (ids.length === 0) return [];
    const unique = [...new Set(ids)].sort((a, b) => a - b);
    const where = idsIn('id', unique);
    return em.execute<LockedCustomer[]>(
      `SELECT id, status, event_sequence, suspension_reason FROM customer WHERE ${where.sql} ORDER BY id FOR UPDATE`,
      where.params,
    );
  }
}
