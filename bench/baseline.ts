import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';

/**
 * The same bulk changes as clientele's worker, hand-written over mysql2 with no framework: the
 * same chunking, one transaction per chunk that locks its customers in id order, set-based
 * statements for the cascade, the outbox events (with payloads and per-customer sequence
 * numbers), the per-id outcomes and the job's counters. What it leaves out is everything around
 * the SQL: HTTP, the queue, the ORM.
 */
export type BaselineAction = 'suspend' | 'activate' | 'remove';

const NOW = 'UTC_TIMESTAMP(3)';
const list = (ids: number[]) => ids.map(() => '?').join(',');

export interface BaselineOptions {
  /**
   * Writes the events as already relayed (`dispatched_at` set), so that no relay running beside
   * the baseline works on them while it is timed: the relay's work is then the app's alone, as it
   * is in production. Off by default (bench/bulk.ts).
   */
  relayed?: boolean;
}

export async function runBaseline(
  pool: Pool,
  action: BaselineAction,
  ids: number[],
  chunkSize: number,
  options: BaselineOptions = {},
): Promise<number> {
  const dispatched = options.relayed ? NOW : 'NULL';
  const [job] = await pool.query<ResultSetHeader>(
    `INSERT INTO bulk_job (action, state, actor, customer_ids, total, first_id, last_id, position, processed, succeeded, failed, created_at, started_at)
     VALUES (?, 'running', 'admin:1', ?, ?, ?, ?, 0, 0, 0, 0, ${NOW}, ${NOW})`,
    [action, JSON.stringify(ids), ids.length, ids[0], ids[ids.length - 1]],
  );
  const jobId = job.insertId;
  for (let offset = 0; offset < ids.length; offset += chunkSize) {
    const chunk = ids.slice(offset, offset + chunkSize);
    const connection = await pool.getConnection();
    try {
      await connection.beginTransaction();
      const [locked] = await connection.query<RowDataPacket[]>(
        `SELECT id, status FROM customer WHERE id IN (${list(chunk)}) ORDER BY id FOR UPDATE`,
        chunk,
      );
      const outcomes =
        action === 'remove'
          ? await remove(connection, jobId, locked, dispatched)
          : await changeStatus(connection, jobId, action, locked, dispatched);
      const rows = chunk.map((id) => [jobId, id, outcomes.get(id) ?? 'not_found']);
      await connection.query(
        'INSERT INTO bulk_job_result (job_id, customer_id, outcome) VALUES ?',
        [rows],
      );
      const found = [...outcomes.keys()].length;
      await connection.query(
        'UPDATE bulk_job SET processed = processed + ?, succeeded = succeeded + ?, failed = failed + ?, position = ? WHERE id = ?',
        [chunk.length, found, chunk.length - found, chunk[chunk.length - 1], jobId],
      );
      await connection.commit();
    } catch (error) {
      await connection.rollback();
      throw error;
    } finally {
      connection.release();
    }
  }
  await pool.query(`UPDATE bulk_job SET state = 'completed', finished_at = ${NOW} WHERE id = ?`, [
    jobId,
  ]);
  await pool.query(
    `INSERT INTO outbox_event (type, object_type, object_id, actor, job_id, payload, created_at, dispatched_at)
     SELECT 'job.completed', 'job', id, actor, id, JSON_OBJECT('job', JSON_OBJECT('id', id, 'action', action, 'state', state, 'total', total)), ${NOW}, ${dispatched} FROM bulk_job WHERE id = ?`,
    [jobId],
  );
  return jobId;
}

const REASON_NAMES = ['admin', 'customer', 'subscription', 'expired'];
/** JSON array of reason names for a bit-set expression: an `ELT` over all 16 sets. */
const reasons = (bits: string) => {
  const sets = Array.from(
    { length: 16 },
    (_, value) => `'${JSON.stringify(REASON_NAMES.filter((_, bit) => value & (1 << bit)))}'`,
  );
  return `JSON_QUERY(ELT((${bits}) + 1, ${sets.join(', ')}), '$')`;
};
const iso = (column: string) =>
  `IF(${column} IS NULL, NULL, CONCAT(LEFT(DATE_FORMAT(${column}, '%Y-%m-%dT%H:%i:%s.%f'), 23), 'Z'))`;
const status = (bits: string) => `IF((${bits}) = 0, 'active', 'suspended')`;

/** The same JSON as the API's admin views (customer.views.ts, subscription.views.ts, domain.views.ts). */
const customerJson = (c: string) =>
  `JSON_OBJECT('id', ${c}.id, 'username', ${c}.username, 'name', ${c}.name, 'company', ${c}.company, 'email', ${c}.email, 'phone', ${c}.phone,
     'fax', ${c}.fax, 'address', ${c}.address, 'city', ${c}.city, 'state', ${c}.state, 'postalCode', ${c}.postal_code, 'country', ${c}.country,
     'locale', ${c}.locale, 'additionalInfo', ${c}.additional_info, 'status', ${c}.status, 'createdAt', ${iso(`${c}.created_at`)},
     'updatedAt', ${iso(`${c}.updated_at`)}, 'description', ${c}.description, 'externalId', ${c}.external_id, 'guid', ${c}.guid, 'version', ${c}.version)`;
const subscriptionJson = (next: string) =>
  `JSON_OBJECT('id', s.id, 'customerId', s.customer_id, 'name', s.name, 'unicodeName', s.unicode_name, 'plan', s.plan, 'status', ${status(next)},
     'suspendedReasons', ${reasons(next)}, 'expiresAt', ${iso('s.expires_at')}, 'createdAt', ${iso('s.created_at')}, 'updatedAt', ${iso(NOW)})`;
const domainJson = (next: string) =>
  `JSON_OBJECT('id', d.id, 'subscriptionId', d.subscription_id, 'customerId', d.customer_id, 'name', d.name, 'unicodeName', d.unicode_name,
     'status', ${status(next)}, 'suspendedReasons', ${reasons(next)}, 'createdAt', ${iso('d.created_at')}, 'updatedAt', ${iso(NOW)}, 'guid', d.guid)`;

async function changeStatus(
  connection: PoolConnection,
  jobId: number,
  action: 'suspend' | 'activate',
  locked: RowDataPacket[],
  dispatched: string,
): Promise<Map<number, string>> {
  const target = action === 'suspend' ? 'suspended' : 'active';
  const changed = action === 'suspend' ? 'suspended' : 'activated';
  const outcomes = new Map<number, string>(
    locked.map((row) => [Number(row.id), row.status === target ? 'unchanged' : changed]),
  );
  const moving = locked.filter((row) => row.status !== target).map((row) => Number(row.id));
  if (moving.length === 0) return outcomes;
  await connection.query(
    `UPDATE customer SET status = ?, version = version + 1, updated_at = ${NOW} WHERE id IN (${list(moving)})`,
    [target, ...moving],
  );
  const [before, after] =
    action === 'suspend'
      ? ['JSON_ARRAY()', "JSON_ARRAY('admin')"]
      : ["JSON_ARRAY('admin')", 'JSON_ARRAY()'];
  const [first] = await connection.query<ResultSetHeader>(
    `INSERT INTO outbox_event (type, object_type, object_id, customer_id, actor, job_id, payload, created_at, dispatched_at)
     SELECT ?, 'customer', c.id, c.id, 'admin:1', ?, JSON_OBJECT('customer', ${customerJson('c')}, 'reasonsBefore', ${before}, 'reasonsAfter', ${after}), ${NOW}, ${dispatched}
       FROM customer c WHERE c.id IN (${list(moving)}) ORDER BY c.id`,
    [`customer.${changed}`, jobId, ...moving],
  );

  const next = action === 'suspend' ? 's.suspended_reasons | 2' : 's.suspended_reasons & ~2 & 15';
  await connection.query(
    `INSERT INTO outbox_event (type, object_type, object_id, customer_id, actor, job_id, payload, created_at, dispatched_at)
     SELECT IF((${next}) = 0, 'subscription.activated', 'subscription.suspended'), 'subscription', s.id, s.customer_id, 'admin:1', ?,
            JSON_OBJECT('subscription', ${subscriptionJson(next)}, 'reasonsBefore', ${reasons('s.suspended_reasons')}, 'reasonsAfter', ${reasons(next)}), ${NOW}, ${dispatched}
       FROM subscription s WHERE s.customer_id IN (${list(moving)}) AND ((${next}) = 0) <> (s.suspended_reasons = 0) ORDER BY s.customer_id, s.id`,
    [jobId, ...moving],
  );
  await connection.query(
    `UPDATE subscription s SET s.status = IF((${next}) = 0, 'active', 'suspended'), s.updated_at = ${NOW}, s.suspended_reasons = ${next} WHERE s.customer_id IN (${list(moving)})`,
    moving,
  );
  const domainNext = '(d.suspended_reasons & 11) | IF(s.suspended_reasons <> 0, 4, 0)';
  await connection.query(
    `INSERT INTO outbox_event (type, object_type, object_id, customer_id, actor, job_id, payload, created_at, dispatched_at)
     SELECT IF((${domainNext}) = 0, 'domain.activated', 'domain.suspended'), 'domain', d.id, d.customer_id, 'admin:1', ?,
            JSON_OBJECT('domain', ${domainJson(domainNext)}, 'reasonsBefore', ${reasons('d.suspended_reasons')}, 'reasonsAfter', ${reasons(domainNext)}), ${NOW}, ${dispatched}
       FROM domain d JOIN subscription s ON s.id = d.subscription_id
      WHERE d.customer_id IN (${list(moving)}) AND ((${domainNext}) = 0) <> (d.suspended_reasons = 0) ORDER BY d.customer_id, d.id`,
    [jobId, ...moving],
  );
  await connection.query(
    `UPDATE domain d JOIN subscription s ON s.id = d.subscription_id
        SET d.status = IF((${domainNext}) = 0, 'active', 'suspended'), d.updated_at = ${NOW}, d.suspended_reasons = ${domainNext}
      WHERE d.customer_id IN (${list(moving)})`,
    moving,
  );
  // Per-customer sequence numbers for the events just written, then the customers' counters.
  await connection.query(
    `UPDATE outbox_event e
       JOIN (SELECT id, ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY id) AS n FROM outbox_event
              WHERE customer_id IN (${list(moving)}) AND id >= ? AND sequence IS NULL) numbered ON numbered.id = e.id
       JOIN customer c ON c.id = e.customer_id
        SET e.sequence = c.event_sequence + numbered.n`,
    [...moving, first.insertId],
  );
  await connection.query(
    `UPDATE customer c JOIN (SELECT customer_id, MAX(sequence) AS last FROM outbox_event WHERE customer_id IN (${list(moving)}) AND id >= ? GROUP BY customer_id) w
        ON w.customer_id = c.id SET c.event_sequence = w.last`,
    [...moving, first.insertId],
  );
  if (action === 'suspend') {
    await connection.query(
      `UPDATE auth_session SET revoked_at = ${NOW} WHERE customer_id IN (${list(moving)}) AND revoked_at IS NULL`,
      moving,
    );
  }
  return outcomes;
}

async function remove(
  connection: PoolConnection,
  jobId: number,
  locked: RowDataPacket[],
  dispatched: string,
): Promise<Map<number, string>> {
  const found = locked.map((row) => Number(row.id));
  const outcomes = new Map<number, string>(found.map((id) => [id, 'removed']));
  if (found.length === 0) return outcomes;
  // One `customer.deleted` per customer with a snapshot of its subscriptions and domain names, built in SQL.
  await connection.query(
    `INSERT INTO outbox_event (type, object_type, object_id, customer_id, sequence, actor, job_id, payload, created_at, dispatched_at)
     SELECT 'customer.deleted', 'customer', c.id, c.id, c.event_sequence + 1, 'admin:1', ?,
            JSON_OBJECT('customer', ${customerJson('c')},
                        'subscriptions', COALESCE((SELECT JSON_ARRAYAGG(JSON_OBJECT('id', s.id, 'name', s.name, 'plan', s.plan,
                            'domains', (SELECT JSON_ARRAYAGG(d.name ORDER BY d.id) FROM domain d WHERE d.subscription_id = s.id)) ORDER BY s.id)
                          FROM subscription s WHERE s.customer_id = c.id), JSON_ARRAY())), ${NOW}, ${dispatched}
       FROM customer c WHERE c.id IN (${list(found)}) ORDER BY c.id`,
    [jobId, ...found],
  );
  await connection.query(`DELETE FROM customer WHERE id IN (${list(found)})`, found);
  return outcomes;
}
