import { Injectable } from '@nestjs/common';
import { EntityManager, LockMode } from '@mikro-orm/mysql';
import { EventOutbox } from '../events/event-outbox.service';
import { CustomerDeletedData } from '../events/event-payloads';
import { ChangeContext, idsIn } from '../suspension/cascade-statements';
import { Customer } from '../hosting/customer.entity';
import { toAdminView } from '../hosting/customer.views';

export type RemovalOutcome = 'removed' | 'not_found';

/** What a `customer.deleted` event keeps of a removed customer. */
export type CustomerSnapshot = CustomerDeletedData;

/**
 * Removes customers inside the caller's transaction, with a constant number of statements for any
 * number of customers: lock in id order, read what they own, write one `customer.deleted` each
 * with a snapshot, delete. The database cascades to subscriptions, domains and sessions.
 */
@Injectable()
export class CustomerRemoval {
  constructor(private readonly outbox: EventOutbox) {}

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

    const events = this.outbox.batch(
      em,
      context,
      new Map(customers.map((customer) => [customer.id, customer.eventSequence])),
    );
    await events.insertPrepared(
      customers.map((customer) => ({
        type: 'customer.deleted',
        objectId: customer.id,
        customerId: customer.id,
        payload: snapshots.get(customer.id) ?? {
          customer: toAdminView(customer),
          subscriptions: [],
        },
      })),
    );
    // The customer rows go away with their counters: nothing to store.
    events.discard(removed);
    await events.finish();
    const where = idsIn('id', removed);
    await em.execute(`DELETE FROM customer WHERE ${where.sql}`, where.params, 'run');
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
