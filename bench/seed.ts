/**
 * Set-based seeding of customers with subscriptions and domains, shared by the bench and the bulk
 * e2e tests: four statements whatever the size (MariaDB's `seq_1_to_N` tables), no events.
 */

/** Runs one statement; returns the rows of a SELECT. */
export type Sql = <T = unknown>(sql: string, params?: unknown[]) => Promise<T>;

export interface HostingShape {
  customers: number;
  subscriptionsPerCustomer: number;
  domainsPerSubscription: number;
  /** Makes usernames and domain names unique across calls (letters and digits). */
  tag: string;
}

/** Inserts the customers (active) with their subscriptions and domains; returns the customer ids, ascending. */
export async function seedHosting(sql: Sql, shape: HostingShape): Promise<number[]> {
  const { customers, subscriptionsPerCustomer, domainsPerSubscription, tag } = shape;
  if (!/^[a-z0-9]{1,20}$/.test(tag))
    throw new Error(`tag must be 1-20 lower-case letters or digits: ${tag}`);
  const prefix = `${tag}u`;
  await sql(
    `INSERT INTO customer (username, password_hash, name, email, locale, status, event_sequence, created_at, updated_at, version, guid)
     SELECT CONCAT('${prefix}', seq), 'not-a-hash', CONCAT('Customer ', seq), CONCAT('${prefix}', seq, '@example.com'), 'en-US', 'active', 0, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), 1, UUID()
       FROM seq_1_to_${customers}`,
  );
  const ids = (
    await sql<Array<{ id: number }>>(
      `SELECT id FROM customer WHERE username LIKE '${prefix}%' ORDER BY id`,
    )
  ).map((row) => Number(row.id));
  const range = [ids[0], ids[ids.length - 1]];
  await sql(
    `INSERT INTO subscription (customer_id, name, unicode_name, plan, status, suspended_reasons, created_at, updated_at)
     SELECT c.id, CONCAT('s', q.seq, '-', c.username, '.test'), CONCAT('s', q.seq, '-', c.username, '.test'), 'Seeded', 'active', 0, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3)
       FROM customer c JOIN seq_1_to_${subscriptionsPerCustomer} q
      WHERE c.id BETWEEN ? AND ? AND c.username LIKE '${prefix}%'
      ORDER BY c.id, q.seq`,
    range,
  );
  await seedDomains(sql, 's.customer_id BETWEEN ? AND ?', range, domainsPerSubscription);
  return ids;
}

/**
 * Gives every subscription matching `where` (alias `s`) `perSubscription` domains in one statement:
 * its main domain (the subscription's name) first, then `d<n>.<main>`. `suspended` seeds them with
 * the reason `subscription`, as the cascade would under a suspended subscription.
 */
export async function seedDomains(
  sql: Sql,
  where: string,
  params: unknown[],
  perSubscription: number,
  suspended = false,
): Promise<void> {
  await sql(
    `INSERT INTO domain (subscription_id, customer_id, name, unicode_name, status, suspended_reasons, created_at, updated_at, guid)
     SELECT s.id, s.customer_id, IF(q.seq = 1, s.name, CONCAT('d', q.seq, '.', s.name)), IF(q.seq = 1, s.name, CONCAT('d', q.seq, '.', s.name)),
            '${suspended ? 'suspended' : 'active'}', ${suspended ? 4 : 0}, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), UUID()
       FROM subscription s JOIN seq_1_to_${perSubscription} q
      WHERE ${where}
      ORDER BY s.id, q.seq`,
    params,
  );
}
