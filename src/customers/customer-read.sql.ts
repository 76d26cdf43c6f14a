import { decodeCursor, isIdCursor, Page, toPage } from '../common/cursor';
import {
  CUSTOMER_DETAIL_COLUMNS,
  CustomerDetailRow,
  detailViewOfRow,
} from '../hosting/customer.rows';
import { CustomerDetailView } from '../hosting/customer.views';
import { customerSearchSql, SqlFragment } from './customer-search.sql';
import { ListCustomersQuery } from './dto/list-customers.query';

/**
 * The SQL of the administrators' customer reads and the page built from its rows: one statement
 * per request, counts included. `bench/scale-baseline-server.ts` imports these too, so the
 * benchmark's raw baseline runs exactly the app's SQL.
 */

/** One customer with its counts. */
export function customerByIdSql(id: number): SqlFragment {
  return { sql: `SELECT ${CUSTOMER_DETAIL_COLUMNS} FROM customer c WHERE c.id = ?`, params: [id] };
}

/**
 * A page of the list, `limit + 1` rows (the extra one says whether a next page exists): newest
 * first, or with `suspendedBefore` the most recently suspended first. Null when nothing can match.
 */
export function customerListSql(query: ListCustomersQuery): SqlFragment | null {
  if (query.suspendedBefore !== undefined) return suspendedBeforeSql(query, query.suspendedBefore);
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (query.status) {
    conditions.push('c.status = ?');
    params.push(query.status);
  }
  if (query.cursor) {
    conditions.push('c.id < ?');
    params.push(decodeCursor(query.cursor, isIdCursor).id);
  }
  const search = query.q ? customerSearchSql(query.q) : undefined;
  if (search) {
    conditions.push(search.where.sql);
    params.push(...search.where.params);
  }
  return {
    sql: `SELECT ${CUSTOMER_DETAIL_COLUMNS} FROM ${search?.from.sql ?? 'customer c'}${whereSql(conditions)} ORDER BY c.id DESC LIMIT ?`,
    params: [...(search?.from.params ?? []), ...params, query.limit + 1],
  };
}

/** The page of the rows `customerListSql` read. */
export function customerListPage(
  rows: CustomerDetailRow[],
  query: ListCustomersQuery,
): Page<CustomerDetailView> {
  const cursorOf =
    query.suspendedBefore === undefined
      ? (row: CustomerDetailRow) => ({ id: row.id })
      : (row: CustomerDetailRow) => ({
          at: row.suspendedAt === null ? 0 : Date.parse(row.suspendedAt),
          id: row.id,
        });
  return toPage(rows, query.limit, cursorOf, detailViewOfRow);
}

/**
 * Customers suspended before a time, most recently suspended first: a range read of the
 * `suspended_at` index, paged by a (suspendedAt, id) cursor.
 */
function suspendedBeforeSql(query: ListCustomersQuery, before: string): SqlFragment | null {
  if (query.status === 'active') return null;
  const conditions = ["c.status = 'suspended'", 'c.suspended_at < ?'];
  const params: unknown[] = [datetimeParam(new Date(before))];
  if (query.cursor) {
    const after = decodeCursor(query.cursor, isSuspendedCursor);
    const at = datetimeParam(new Date(after.at));
    conditions.push('(c.suspended_at < ? OR (c.suspended_at = ? AND c.id < ?))');
    params.push(at, at, after.id);
  }
  const search = query.q ? customerSearchSql(query.q) : undefined;
  if (search) {
    conditions.push(search.where.sql);
    params.push(...search.where.params);
  }
  return {
    sql: `SELECT ${CUSTOMER_DETAIL_COLUMNS} FROM ${search?.from.sql ?? 'customer c'}${whereSql(conditions)} ORDER BY c.suspended_at DESC, c.id DESC LIMIT ?`,
    params: [...(search?.from.params ?? []), ...params, query.limit + 1],
  };
}

/** A DATETIME(3) parameter in UTC, formatted here so every driver sends the same text. */
function datetimeParam(moment: Date): string {
  return moment.toISOString().replace('T', ' ').replace('Z', '');
}

function whereSql(conditions: string[]): string {
  return conditions.length === 0 ? '' : ` WHERE ${conditions.join(' AND ')}`;
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
