import { Injectable } from '@nestjs/common';
import { EntityManager, LockMode } from '@mikro-orm/mysql';
import { EventOutbox } from '../events/event-outbox.service';
import { RemovedSubscription } from '../events/event-payloads';
import { ChangeContext, idsIn } from '../suspension/cascade-statements';
import { Customer } from '../hosting/customer.entity';
import { toAdminView } from '../hosting/customer.views';

export type RemovalOutcome = 'removed' | 'not_found';

/**
 * Removes customers inside the caller's transaction, with a constant number of statements for any
 * number of customers: lock in id order, read what they own, write one `customer.deleted` each
 * with a snapshot of it (through the event writer), delete. The database cascades to subscriptions, domains and sessions.
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
    const owned = await this.ownedSubscriptions(em, removed);

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
        payload: { customer: toAdminView(customer), subscriptions: owned.get(customer.id) ?? [] },
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
  private async ownedSubscriptions(
    em: EntityManager,
    customerIds: number[],
  ): Promise<Map<number, RemovedSubscription[]>> {
    const owners = idsIn('customer_id', customerIds);
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
    const namesBySubscription = groupBy(domains, (domain) => domain.subscription_id);
    const byCustomer = groupBy(subscriptions, (subscription) => subscription.customer_id);
    return new Map(
      [...byCustomer].map(([customerId, rows]) => [
        customerId,
        rows.map((subscription) => ({
          id: subscription.id,
          name: subscription.name,
          plan: subscription.plan,
          domains: (namesBySubscription.get(subscription.id) ?? []).map((domain) => domain.name),
        })),
      ]),
    );
  }
}

function groupBy<Row>(rows: Row[], key: (row: Row) => number): Map<number, Row[]> {
  const groups = new Map<number, Row[]>();
  for (const row of rows) {
    const group = groups.get(key(row));
    if (group) group.push(row);
    else groups.set(key(row), [row]);
  }
  return groups;
}
