import { Injectable } from '@nestjs/common';
import { EntityManager, FilterQuery } from '@mikro-orm/mysql';
import { Principal } from '../auth/principal';
import { decodeCursor, isIdCursor, Page, toPage } from '../common/cursor';
import { Customer } from '../hosting/customer.entity';
import { CustomerDetailView, toDetailView } from '../hosting/customer.views';
import { CustomerCountsReader } from './customer-counts.reader';
import { ListCustomersQuery } from './dto/list-customers.query';

/** The administrators' customer list: newest first, or by suspension time with `suspendedBefore`. */
@Injectable()
export class CustomerListReader {
  constructor(
    private readonly em: EntityManager,
    private readonly counts: CustomerCountsReader,
  ) {}

  async list(_auth: Principal, query: ListCustomersQuery): Promise<Page<CustomerDetailView>> {
    if (query.suspendedBefore !== undefined)
      return this.listSuspendedBefore(query, new Date(query.suspendedBefore));
    const where: FilterQuery<Customer> = {};
    if (query.status) where.status = query.status;
    if (query.cursor) where.id = { $lt: decodeCursor(query.cursor, isIdCursor).id };
    if (query.q) where.$or = matching(query.q);
    const rows = await this.em.find(Customer, where, {
      orderBy: { id: 'desc' },
      limit: query.limit + 1,
    });
    return this.toListPage(rows, query.limit, (c) => ({ id: c.id }));
  }

  /**
   * Customers suspended before a time, most recently suspended first: a range read of the
   * `suspended_at` index, paged by a (suspendedAt, id) cursor.
   */
  private async listSuspendedBefore(
    query: ListCustomersQuery,
    before: Date,
  ): Promise<Page<CustomerDetailView>> {
    if (query.status === 'active') return { items: [], nextCursor: null };
    const conditions: FilterQuery<Customer>[] = [
      { status: 'suspended', suspendedAt: { $lt: before } },
    ];
    if (query.cursor) {
      const after = decodeCursor(query.cursor, isSuspendedCursor);
      const at = new Date(after.at);
      conditions.push({
        $or: [{ suspendedAt: { $lt: at } }, { suspendedAt: at, id: { $lt: after.id } }],
      });
    }
    if (query.q) conditions.push({ $or: matching(query.q) });
    const rows = await this.em.find(
      Customer,
      { $and: conditions },
      { orderBy: [{ suspendedAt: 'desc' }, { id: 'desc' }], limit: query.limit + 1 },
    );
    return this.toListPage(rows, query.limit, (c) => ({
      at: c.suspendedAt?.getTime() ?? 0,
      id: c.id,
    }));
  }

  private async toListPage(
    rows: Customer[],
    limit: number,
    cursorOf: (customer: Customer) => Record<string, number>,
  ): Promise<Page<CustomerDetailView>> {
    const counts = await this.counts.forCustomers(rows.slice(0, limit).map((c) => c.id));
    return toPage(rows, limit, cursorOf, (c) =>
      toDetailView(c, counts.get(c.id) ?? { subscriptions: 0, domains: 0 }),
    );
  }
}

/** `q` matches username, name, company and email (substring; LIKE wildcards taken literally). */
function matching(q: string): FilterQuery<Customer>[] {
  const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return [
    { username: { $like: like } },
    { name: { $like: like } },
    { company: { $like: like } },
    { email: { $like: like } },
  ];
}

/** The position after a customer in the `suspendedBefore` listing: its suspension time (ms) and id. */
interface SuspendedCursor extends Record<string, number> {
  at: number;
  id: number;
}

const isSuspendedCursor = (value: unknown): value is SuspendedCursor =>
  typeof value === 'object' &&
  value !== null &&
  Object.keys(value).length === 2 &&
  Number.isSafeInteger((value as SuspendedCursor).at) &&
  (value as SuspendedCursor).at >= 0 &&
  Number.isSafeInteger((value as SuspendedCursor).id) &&
  (value as SuspendedCursor).id > 0;
