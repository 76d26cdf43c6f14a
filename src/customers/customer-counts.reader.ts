import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/mysql';
import { CustomerCounts } from '../hosting/customer.views';

/** Counts of subscriptions and domains per customer, in one query for a whole page. */
@Injectable()
export class CustomerCountsReader {
  constructor(private readonly em: EntityManager) {}

  async forCustomers(ids: number[]): Promise<Map<number, CustomerCounts>> {
    const counts = new Map<number, CustomerCounts>(
      ids.map((id) => [id, { subscriptions: 0, domains: 0 }]),
    );
    if (ids.length === 0) return counts;
    const placeholders = ids.map(() => '?').join(', ');
    const rows = await this.em
      .getConnection()
      .execute<Array<{ id: number; subscriptions: string | number; domains: string | number }>>(
        `SELECT c.id,
              (SELECT COUNT(*) FROM subscription s WHERE s.customer_id = c.id) AS subscriptions,
              (SELECT COUNT(*) FROM domain d WHERE d.customer_id = c.id) AS domains
         FROM customer c WHERE c.id IN (${placeholders})`,
        ids,
      );
    for (const row of rows)
      counts.set(row.id, {
        subscriptions: Number(row.subscriptions),
        domains: Number(row.domains),
      });
    return counts;
  }
}
