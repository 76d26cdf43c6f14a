import { Connection, RowDataPacket } from 'mysql2/promise';
import { insertTrigramsSql } from '../src/customers/customer-search.sql';
import { SuspensionReason } from '../src/hosting/suspension-reason';

/**
 * The scale bench's data, set-based (`INSERT ... SELECT` over MariaDB's `seq_1_to_N` tables):
 * 100,000 customers (every 10th suspended with its cascade), 2 subscriptions each (every 7th with
 * an expiry date), 5 domains per subscription, and the search index of every customer, written by
 * the same statement the app uses. Names cycle through lists so that searches find something:
 * "Schmidt" is one surname in 25.
 */
export const SCALE = { customers: 100_000, subscriptionsPerCustomer: 2, domainsPerSubscription: 5 };

const FIRST = [
  'Anna',
  'Ben',
  'Clara',
  'David',
  'Elif',
  'Finn',
  'Greta',
  'Hannes',
  'Ida',
  'Jonas',
  'Katrin',
  'Lukas',
  'Mia',
  'Noah',
  'Olga',
  'Paul',
  'Sofia',
];
const LAST = [
  'Schmidt',
  'Müller',
  'Schneider',
  'Fischer',
  'Weber',
  'Meyer',
  'Wagner',
  'Becker',
  'Schulz',
  'Hoffmann',
  'Koch',
  'Richter',
  'Klein',
  'Wolf',
  'Schröder',
  'Neumann',
  'Schwarz',
  'Zimmermann',
  'Braun',
  'Krüger',
  'Hofmann',
  'Hartmann',
  'Lange',
  'Østergaard',
  'Werner',
];
const COMPANY = [
  'Hosting',
  'Webdesign',
  'Media',
  'Consulting',
  'Solutions',
  'Digital',
  'Systems',
  'Studio',
  'Partners',
  'Labs',
  'Services',
];
const MAIL = ['example.com', 'example.net', 'example.org', 'mail.example', 'web.example'];

const pick = (list: readonly string[], index: string) =>
  `ELT(1 + ${index} MOD ${list.length}, ${list.map((item) => `'${item}'`).join(', ')})`;

export interface SeedTimes {
  customers_ms: number;
  subscriptions_ms: number;
  domains_ms: number;
  trigrams_ms: number;
  total_ms: number;
}

/**
 * Seeds an empty, migrated database; returns how long each part took. Domains and the search
 * index are written at the same time on two connections (they are independent tables), and each
 * large table gets its secondary indexes and foreign keys back in one sorted rebuild after its
 * rows: on a 128 MB buffer pool, inserting millions of rows into random index positions is what
 * takes minutes.
 */
export async function seedScale(open: () => Promise<Connection>): Promise<SeedTimes> {
  const { customers, subscriptionsPerCustomer, domainsPerSubscription } = SCALE;
  const [first, second] = await Promise.all([open(), open()]);
  try {
    // The rows are consistent by construction; checking each of 1.3 million of them is the slow part.
    for (const connection of [first, second])
      await connection.query('SET SESSION foreign_key_checks = 0, unique_checks = 0');
    // The search index's statement sorts 4 million rows, the domains' 1 million: in memory, not in
    // files under the server's tmpdir (on this shared machine something cleans those away mid-statement).
    for (const connection of [first, second])
      await connection.query(
        'SET SESSION tmp_table_size = 1073741824, max_heap_table_size = 1073741824, sort_buffer_size = 268435456',
      );
    const started = Date.now();
    const suspended = 'seq MOD 10 = 0';
    const customers_ms = await timed(first, [
      `INSERT INTO customer (id, username, password_hash, name, company, email, city, country, locale, status,
                             suspension_reason, suspended_at, suspended_by, event_sequence, created_at, updated_at, version, guid)
       SELECT seq, CONCAT(LOWER(${pick(LAST, 'seq')}), seq), 'not-a-hash',
              CONCAT(${pick(FIRST, 'seq')}, ' ', ${pick(LAST, 'seq')}),
              IF(seq MOD 3 = 0, NULL, CONCAT(${pick(LAST, '(seq DIV 7)')}, ' ', ${pick(COMPANY, 'seq')})),
              CONCAT('c', seq, '@', ${pick(MAIL, 'seq')}), 'Berlin', 'DE', 'de-DE',
              IF(${suspended}, 'suspended', 'active'),
              IF(${suspended}, 'Invoice overdue', NULL),
              IF(${suspended}, TIMESTAMP('2026-06-01') + INTERVAL seq SECOND, NULL),
              IF(${suspended}, 'admin:1', NULL),
              0, TIMESTAMP('2026-01-01') + INTERVAL seq SECOND, TIMESTAMP('2026-01-01') + INTERVAL seq SECOND, 1, UUID()
         FROM seq_1_to_${customers}`,
    ]);
    const hosting = async () => {
      const subscriptions_ms = await timed(first, [
        `INSERT INTO subscription (customer_id, name, unicode_name, plan, status, suspended_reasons, expires_at, created_at, updated_at)
         SELECT c.id, CONCAT('s', q.seq, '-', c.username, '.test'), CONCAT('s', q.seq, '-', c.username, '.test'), 'Business',
                c.status, IF(c.status = 'suspended', ${SuspensionReason.Customer}, 0),
                IF((c.id + q.seq) MOD 7 = 0, TIMESTAMP('2027-06-01') + INTERVAL c.id MINUTE, NULL),
                c.created_at, c.created_at
           FROM customer c JOIN seq_1_to_${subscriptionsPerCustomer} q
          ORDER BY c.id, q.seq`,
      ]);
      const domains_ms = await rebuildingIndexes(first, 'domain', [
        `INSERT INTO domain (subscription_id, customer_id, name, unicode_name, status, suspended_reasons, created_at, updated_at, guid)
         SELECT s.id, s.customer_id, IF(q.seq = 1, s.name, CONCAT('d', q.seq, '.', s.name)), IF(q.seq = 1, s.name, CONCAT('d', q.seq, '.', s.name)),
                s.status, IF(s.suspended_reasons = 0, 0, ${SuspensionReason.Subscription}), s.created_at, s.created_at, UUID()
           FROM subscription s JOIN seq_1_to_${domainsPerSubscription} q
          ORDER BY s.id, q.seq`,
      ]);
      return { subscriptions_ms, domains_ms };
    };
    const [{ subscriptions_ms, domains_ms }, trigrams_ms] = await Promise.all([
      hosting(),
      rebuildingIndexes(second, 'customer_search_trigram', [insertTrigramsSql('1 = 1')]),
    ]);
    return {
      customers_ms,
      subscriptions_ms,
      domains_ms,
      trigrams_ms,
      total_ms: Date.now() - started,
    };
  } finally {
    await Promise.all([first.end(), second.end()]);
  }
}

async function timed(connection: Connection, statements: string[]): Promise<number> {
  const started = Date.now();
  for (const sql of statements) await connection.query(sql);
  return Date.now() - started;
}

/**
 * Runs the statements with the table's foreign keys and secondary indexes dropped, then adds them
 * back exactly as `SHOW CREATE TABLE` showed them (so the schema is unchanged), in one ALTER.
 */
async function rebuildingIndexes(
  connection: Connection,
  table: string,
  statements: string[],
): Promise<number> {
  const started = Date.now();
  const [rows] = await connection.query<RowDataPacket[]>(`SHOW CREATE TABLE \`${table}\``);
  const lines = String(rows[0]['Create Table'])
    .split('\n')
    .map((line) => line.trim().replace(/,$/, ''));
  const keys = lines.filter((line) => /^(UNIQUE )?KEY /.test(line));
  const foreign = lines.filter((line) => line.startsWith('CONSTRAINT '));
  const name = (line: string) => /`([^`]+)`/.exec(line)?.[1] ?? '';
  const drops = [
    ...foreign.map((line) => `DROP FOREIGN KEY \`${name(line)}\``),
    ...keys.map((line) => `DROP INDEX \`${name(line)}\``),
  ];
  if (drops.length > 0) await connection.query(`ALTER TABLE \`${table}\` ${drops.join(', ')}`);
  for (const sql of statements) await connection.query(sql);
  const adds = [...keys, ...foreign].map((line) => `ADD ${line}`);
  if (adds.length > 0) await connection.query(`ALTER TABLE \`${table}\` ${adds.join(', ')}`);
  return Date.now() - started;
}
