import { Injectable } from '@nestjs/common';
import { EntityManager, LockMode } from '@mikro-orm/mysql';
import { datetimeLiteral } from '../hosting/reasons.sql';
import { CascadeStatements, ChangeContext, idsIn } from '../suspension/cascade-statements';
import { Customer } from '../hosting/customer.entity';
import { toAdminView } from '../hosting/customer.views';

export type RemovalOutcome = 'removed' | 'not_found';

/** What a `customer.deleted` event keeps of a removed customer. */
export interface CustomerSnapshot {
  customer: ReturnType<typeof toAdminView>;
  subscriptions: Array<{ id: number; name: string; plan: string; domains: string[] }>;
}

/**
 * Removes customers inside the caller's transaction, with a constant number of statements for any
 * number of customers: lock in id order, read what they own, write one `customer.deleted` each
 * with a snapshot, delete. The database cascades to subscriptions, domains and sessions.
 */
@Injectable()
export class CustomerRemoval {
  async removeOne(em: EntityManager, id: number, actor: string): Promise<RemovalOutcome> {
    return (await this.removeCustomers(em, [id], { actor })).get(id) ?? 'not_found';
  }

  async removeCustomers(
    em: EntityManager,
    ids: number[],
    context: ChangeContext,
  ): Promise<Map<number, RemovalOutcome>> {
    const outcomes = new Map<number, RemovalOutcome>(ids.map((id) => [id, 'not_found']));
    if (ids.length === 0) return outcomes;
    const customers = await em.find(
      Customer,
      { id: { $in: [...new Set(ids)] } },
      { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { id: 'asc' }, refresh: true },
    );
    if (customers.length === 0) return outcomes;
    const removed = customers.map((customer) => customer.id);
    const snapshots = await this.snapshots(em, customers);

    const statements = new CascadeStatements(em, context, new Map());
    // The customer rows go away: each one's last event takes the next number of its locked row.
    await statements.run(
      `INSERT INTO outbox_event (type, object_type, object_id, customer_id, sequence, actor, job_id, payload, created_at)
       VALUES ${customers.map(() => `('customer.deleted', 'customer', ?, ?, ?, ?, ?, ?, ${datetimeLiteral(new Date())})`).join(', ')}`,
      customers.flatMap((customer) => [
        customer.id,
        customer.id,
        customer.eventSequence + 1,
        context.actor,
        context.jobId ?? null,
        JSON.stringify(snapshots.get(customer.id)),
      ]),
    );
    const where = idsIn('id', removed);
    await statements.run(`DELETE FROM customer WHERE ${where.sql}`, where.params);
    for (const customer of customers) {
      em.getUnitOfWork().unsetIdentity(customer);
      outcomes.set(customer.id, 'removed');
    }
    return outcomes;
  }

  /** Two reads for any number of customers: their subscriptions, and the names of their domains. */
  private async snapshots(
    em: EntityManager,
    customers: Customer[],
  ): Promise<Map<number, CustomerSnapshot>> {
    const owners = idsIn(
      'customer_id',
      customers.map((customer) => customer.id),
    );
    const subscriptions = await em.execute<
      Array<{ id: number; customer_id: number; name: string; plan: string }>
    >(
      `SELECT id, customer_id, name, plan FROM subscription WHERE ${owners.sql} ORDER BY id`,
      owners.params,
    );
    const domains = await em.execute<Array<{ subscription_id: number; name: string }>>(
      `SELECT subscription_id, name FROM domain WHERE ${owners.sql} ORDER BY id`,
      owners.params,
    );
    const namesBySubscription = new Map<number, string[]>();
    for (const domain of domains) {
      const names = namesBySubscription.get(domain.subscription_id) ?? [];
      names.push(domain.name);
      namesBySubscription.set(domain.subscription_id, names);
    }
    const snapshots = new Map<number, CustomerSnapshot>(
      customers.map((customer) => [
        customer.id,
        { customer: toAdminView(customer), subscriptions: [] },
      ]),
    );
    for (const subscription of subscriptions) {
      snapshots.get(subscription.customer_id)?.subscriptions.push({
        id: subscription.id,
        name: subscription.name,
        plan: subscription.plan,
        domains: namesBySubscription.get(subscription.id) ?? [],
      });
    }
    return snapshots;
  }
}
