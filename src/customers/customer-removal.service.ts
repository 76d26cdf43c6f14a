import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/mysql';
import { EventOutbox } from '../events/event-outbox.service';
import { CustomerDeletedData, RemovedSubscription } from '../events/event-payloads';
import { ChangeContext, idsIn } from '../suspension/cascade-statements';
import { Customer } from '../hosting/customer.entity';
import { customerAdminViewSql } from '../hosting/customer-view.sql';
import { jsonObjectSql } from '../hosting/view-fields';

export type RemovalOutcome = 'removed' | 'not_found';

/**
 * Removes customers inside the caller's transaction, with three statements for any number of
 * customers: lock in id order, write one `customer.deleted` each with a snapshot of what it owns
 * (built in SQL, through the event writer), delete. The database cascades to subscriptions,
 * domains and sessions.
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
    const unique = [...new Set(ids)].sort((a, b) => a - b);
    const wanted = idsIn('id', unique);
    const customers = await em.execute<Array<{ id: number; event_sequence: number }>>(
      `SELECT id, event_sequence FROM customer WHERE ${wanted.sql} ORDER BY id FOR UPDATE`,
      wanted.params,
    );
    if (customers.length === 0) return outcomes;
    const removed = customers.map((customer) => Number(customer.id));

    const events = this.outbox.batch(
      em,
      context,
      new Map(customers.map((customer) => [Number(customer.id), Number(customer.event_sequence)])),
    );
    await events.insertSelected({
      type: `'customer.deleted'`,
      objectType: 'customer',
      from: { table: 'customer', alias: 'c', customerColumn: 'id' },
      where: idsIn('c.id', removed),
      payload: jsonObjectSql<CustomerDeletedData>({
        customer: customerAdminViewSql('c'),
        subscriptions: removedSubscriptionsSql('c'),
      }),
      onePerCustomer: true,
    });
    // The customer rows go away with their counters: nothing to store.
    events.discard(removed);
    await events.finish();
    const where = idsIn('id', removed);
    await em.execute(`DELETE FROM customer WHERE ${where.sql}`, where.params, 'run');
    for (const id of removed) {
      const loaded = em.getUnitOfWork().getById(Customer.name, id);
      if (loaded) em.getUnitOfWork().unsetIdentity(loaded);
      outcomes.set(id, 'removed');
    }
    return outcomes;
  }
}

/**
 * The snapshot of what a removed customer (alias `c`) owned, as `RemovedSubscription[]` in SQL:
 * its subscriptions by id, each with its domain names by id. JSON_QUERY keeps the aggregates JSON
 * through COALESCE (MariaDB would embed them as strings).
 */
function removedSubscriptionsSql(alias: string): string {
  const domains = `JSON_QUERY(COALESCE((SELECT JSON_ARRAYAGG(d.name ORDER BY d.id) FROM domain d WHERE d.subscription_id = s.id), JSON_ARRAY()), '$')`;
  const subscription = jsonObjectSql<RemovedSubscription>({
    id: 's.id',
    name: 's.name',
    plan: 's.plan',
    domains,
  });
  return `JSON_QUERY(COALESCE((SELECT JSON_ARRAYAGG(${subscription} ORDER BY s.id) FROM subscription s WHERE s.customer_id = ${alias}.id), JSON_ARRAY()), '$')`;
}
