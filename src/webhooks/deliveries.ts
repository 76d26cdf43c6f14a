import { Injectable } from '@nestjs/common';
import { Transaction } from '@mikro-orm/core';
import { EntityManager, IsolationLevel } from '@mikro-orm/mysql';
import { fromSqlDate } from '../common/sql-dates';
import { retriedTransaction, retryOnLockConflict } from '../database/lock-conflicts';
import { EventType } from '../events/event-types';
import type { SendResult } from './http-delivery';

/** The database's clock: every time that decides when a delivery is due or a lease has ended. */
export const DB_NOW = 'UTC_TIMESTAMP(3)';
/** `DB_NOW` plus `?` milliseconds. */
export const DB_NOW_PLUS = `${DB_NOW} + INTERVAL ? * 1000 MICROSECOND`;
/**
 * How long a worker holds the deliveries it took before they fall due again. Renewed while it
 * sends, so only a dead worker's deliveries fall due again.
 */
export const LEASE_MS = 6_000;
/**
 * Deliveries of one customer a claim takes at most: a customer's chain of events goes in one
 * round, one after another, rather than one round per event.
 */
const RUN_LENGTH = 25;

/** Whether endpoint `e` receives outbox event `o`: by its list, except that a ping goes only to the endpoint pinged. */
const ENDPOINT_WANTS_EVENT = `IF(o.type = 'webhook.ping',
  o.object_type = 'webhook' AND o.object_id = e.id,
  JSON_CONTAINS(e.events, '"*"') OR JSON_CONTAINS(e.events, JSON_QUOTE(o.type)))`;

/**
 * A customer's delivery `d` may go only when nothing earlier of that customer is still owed to the
 * endpoint (pending, in flight or paused) or not yet relayed (a relay pass in another process may
 * commit later). So a failed attempt holds the customer's later events until it succeeds or fails
 * for good, and other customers are never held.
 */
const FIRST_OF_ITS_CUSTOMER = `(d.customer_id IS NULL OR (
  NOT EXISTS (SELECT 1 FROM event_delivery p WHERE p.endpoint_id = d.endpoint_id AND p.customer_id = d.customer_id
                AND p.state IN ('pending', 'paused') AND p.event_id < d.event_id)
  AND NOT EXISTS (SELECT 1 FROM outbox_event u FORCE INDEX (outbox_event_undispatched_idx)
                WHERE u.dispatched_at IS NULL AND u.id < d.event_id AND u.customer_id = d.customer_id)))`;

export interface ClaimedDelivery {
  id: string;
  eventId: string;
  eventType: EventType;
  /** Whose run it belongs to: a customer's deliveries are sent one after another. */
  customerId: string | null;
  /** Attempts before this one. */
  attempts: number;
  /** Milliseconds since the first attempt (database clock), 0 for a first attempt. */
  sinceFirstMs: number;
  body: string;
  committedAt: Date;
}

/** What a worker took for one endpoint: the endpoint as it is now and its due deliveries. */
export interface Claim {
  url: string;
  /** Sealed (see SecretBox): the current secret, and the previous one while a rotation's overlap lasts. */
  sealedSecrets: string[];
  /** The endpoint itself fails (no answer, or a round of failures): this claim is its one probe. */
  probing: boolean;
  failingForMs: number | null;
  deliveries: ClaimedDelivery[];
}

/** Where a failed attempt leaves its delivery: retried in `delayMs`, or `failed` for good. */
export interface Retry {
  id: string;
  failed: boolean;
  delayMs: number;
  error: string;
}

export interface AttemptRecord {
  endpointId: number;
  delivery: ClaimedDelivery;
  result: SendResult;
}

type Row = Record<string, string | number | Date | null>;
/** What a message body is made of (outbox row `o`); the payload as text, as it was stored. */
export const MESSAGE_COLUMNS = `o.id AS event_id, o.type, o.object_type, o.object_id, o.customer_id, o.sequence, o.actor,
  o.job_id, CAST(o.payload AS CHAR) AS payload, o.created_at`;
const marks = (list: unknown[]) => list.map(() => '?').join(',');
const STEP = 1000;

/**
 * The one writer of `event_delivery` (and of the attempt log `delivery_attempt`, and of the
 * outbox's `dispatched_at`, the relay's mark): deliveries are created by the relay, taken by
 * workers under a lease, moved on by the outcome of an attempt, paused and resumed with their
 * endpoint, resent, recovered, discarded and pruned here. Each change is one statement or one
 * transaction that can simply run again.
 */
@Injectable()
export class Deliveries {
  constructor(private readonly em: EntityManager) {}

  /**
   * Relays up to `limit` outbox events in the relay's transaction `trx`: takes undispatched ones
   * with FOR UPDATE SKIP LOCKED (any number of processes can relay at once without relaying an
   * event twice), creates their deliveries to every endpoint that wants them (`paused` for a
   * disabled one) and marks them dispatched. Returns the endpoints given pending deliveries.
   */
  async relay(trx: Transaction, limit: number): Promise<{ relayed: number; endpoints: number[] }> {
    const run = (sql: string, params: string[], method: 'all' | 'run' = 'run') =>
      this.em.getConnection().execute<Row[]>(sql, params, method, trx);
    const events = await run(
      `SELECT id FROM outbox_event WHERE dispatched_at IS NULL ORDER BY id LIMIT ${limit} FOR UPDATE SKIP LOCKED`,
      [],
      'all',
    );
    const ids = events.map((row) => String(row.id));
    if (ids.length === 0) return { relayed: 0, endpoints: [] };
    await run(
      `INSERT INTO event_delivery (event_id, endpoint_id, customer_id, state, attempts, next_attempt_at, created_at, updated_at)
       SELECT o.id, e.id, o.customer_id, IF(e.enabled, 'pending', 'paused'), 0, ${DB_NOW}, o.created_at, ${DB_NOW}
         FROM outbox_event o JOIN webhook_endpoint e ON ${ENDPOINT_WANTS_EVENT}
        WHERE o.id IN (${marks(ids)})
       ON DUPLICATE KEY UPDATE event_id = event_id`,
      ids,
    );
    await run(`UPDATE outbox_event SET dispatched_at = ${DB_NOW} WHERE id IN (${marks(ids)})`, ids);
    const pending = await run(
      `SELECT DISTINCT endpoint_id FROM event_delivery WHERE event_id IN (${marks(ids)}) AND state = 'pending'`,
      ids,
      'all',
    );
    return { relayed: ids.length, endpoints: pending.map((row) => Number(row.endpoint_id)) };
  }

  /**
   * Takes, for up to `limit` customers of an enabled endpoint, the customer's due run: its first
   * owed delivery and the due ones right after it, in `sequence` order (at most RUN_LENGTH), and
   * leases them LEASE_MS ahead (a dead worker's fall due again then). The lease is a write to the
   * claimed rows, so two claims of one delivery conflict, on one node (the endpoint's row lock
   * makes them take turns) or across Galera nodes (one loses at COMMIT and claims again). A
   * failing endpoint gives one delivery, and only once its probe time has come.
   */
  claim(endpointId: number, limit: number): Promise<Claim | null> {
    return retriedTransaction(
      this.em,
      async (em) => {
        const run = (sql: string, params: unknown[]) => em.execute<Row[]>(sql, params, 'all');
        const [endpoint] = await run(
          `SELECT url, secret_encrypted, IF(previous_secret_expires_at > ${DB_NOW}, previous_secret_encrypted, NULL) AS previous,
                  TIMESTAMPDIFF(MICROSECOND, failing_since, ${DB_NOW}) DIV 1000 AS failing_ms, probe_at IS NOT NULL AS probing
             FROM webhook_endpoint WHERE id = ? AND enabled = 1 AND (probe_at IS NULL OR probe_at <= ${DB_NOW}) FOR UPDATE`,
          [endpointId],
        );
        if (!endpoint) return null;
        const probing = Number(endpoint.probing) === 1;
        const heads = await run(
          `SELECT d.id, d.customer_id, d.event_id FROM event_delivery d FORCE INDEX (event_delivery_due_idx)
            WHERE d.endpoint_id = ? AND d.state = 'pending' AND d.next_attempt_at <= ${DB_NOW} AND ${FIRST_OF_ITS_CUSTOMER}
            ORDER BY d.next_attempt_at LIMIT ${probing ? 1 : limit} FOR UPDATE`,
          [endpointId],
        );
        if (heads.length === 0) return null;
        const ids = probing
          ? heads.map((row) => String(row.id))
          : await this.runsOf(em, endpointId, heads);
        await run(
          `UPDATE event_delivery SET next_attempt_at = ${DB_NOW_PLUS}, first_attempt_at = COALESCE(first_attempt_at, ${DB_NOW})
            WHERE id IN (${marks(ids)})`,
          [LEASE_MS, ...ids],
        );
        if (probing)
          await run(`UPDATE webhook_endpoint SET probe_at = ${DB_NOW_PLUS} WHERE id = ?`, [
            LEASE_MS,
            endpointId,
          ]);
        const deliveries = await run(
          `SELECT d.id, d.attempts, TIMESTAMPDIFF(MICROSECOND, d.first_attempt_at, ${DB_NOW}) DIV 1000 AS since_first,
                  ${MESSAGE_COLUMNS}
             FROM event_delivery d JOIN outbox_event o ON o.id = d.event_id
            WHERE d.id IN (${marks(ids)}) ORDER BY d.event_id`,
          ids,
        );
        return {
          url: String(endpoint.url),
          sealedSecrets: [endpoint.secret_encrypted, endpoint.previous]
            .filter((s) => s !== null)
            .map(String),
          probing,
          failingForMs: endpoint.failing_ms === null ? null : Number(endpoint.failing_ms),
          deliveries: deliveries.map(toClaimed),
        };
      },
      { isolationLevel: IsolationLevel.READ_COMMITTED },
    );
  }

  /**
   * The ids of each head's run: the head, then its customer's owed deliveries in `event_id` order
   * while they are due, pending and ahead of any event of the customer not relayed yet. A customer
   * delivery not due (leased by another worker, or waiting for its retry) ends the run, so order
   * holds whatever else is in flight.
   */
  private async runsOf(em: EntityManager, endpointId: number, heads: Row[]): Promise<string[]> {
    const ids = heads.map((row) => String(row.id));
    const customers = [
      ...new Set(heads.filter((h) => h.customer_id !== null).map((h) => Number(h.customer_id))),
    ];
    if (customers.length === 0) return ids;
    const owed = await em.execute<Row[]>(
      `SELECT id, customer_id, event_id, due FROM (
         SELECT d.id, d.customer_id, d.event_id, d.state = 'pending' AND d.next_attempt_at <= ${DB_NOW} AS due,
                ROW_NUMBER() OVER (PARTITION BY d.customer_id ORDER BY d.event_id) AS n
           FROM event_delivery d FORCE INDEX (event_delivery_order_idx)
          WHERE d.endpoint_id = ? AND d.customer_id IN (${marks(customers)}) AND d.state IN ('pending', 'paused')) owed
        WHERE n <= ? ORDER BY customer_id, event_id`,
      [endpointId, ...customers, RUN_LENGTH],
      'all',
    );
    const unrelayed = await em.execute<Row[]>(
      `SELECT customer_id, MIN(id) AS first FROM outbox_event FORCE INDEX (outbox_event_undispatched_idx)
        WHERE dispatched_at IS NULL AND customer_id IN (${marks(customers)}) GROUP BY customer_id`,
      customers,
      'all',
    );
    const relayedBefore = new Map(
      unrelayed.map((row) => [Number(row.customer_id), BigInt(String(row.first))]),
    );
    const headIds = new Set(ids);
    const following: string[] = [];
    let customer: number | null = null;
    let open = false;
    for (const row of owed) {
      if (Number(row.customer_id) !== customer) {
        customer = Number(row.customer_id);
        // The first owed delivery must be the head this claim locked; otherwise take the head alone.
        open = headIds.has(String(row.id));
        continue;
      }
      const limitId = relayedBefore.get(customer);
      open &&=
        Number(row.due) === 1 && (limitId === undefined || BigInt(String(row.event_id)) < limitId);
      if (open) following.push(String(row.id));
    }
    return [...ids, ...following];
  }

  /** Keeps deliveries still being sent from falling due (the lease of `claim`). */
  async extendLease(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.write(
      `UPDATE event_delivery SET next_attempt_at = ${DB_NOW_PLUS} WHERE id IN (${marks(ids)}) AND state = 'pending'`,
      [LEASE_MS, ...ids],
    );
  }

  /**
   * Marks the successful deliveries, then records the attempts: one UPDATE and one INSERT for a
   * group. The mark first, since it is what keeps a delivery from being sent again.
   */
  async recordAttempts(attempts: AttemptRecord[]): Promise<void> {
    const succeededIds = attempts.filter((a) => a.result.ok).map((a) => a.delivery.id);
    if (succeededIds.length > 0)
      await this.write(
        `UPDATE event_delivery SET state = 'succeeded', attempts = attempts + 1, next_attempt_at = NULL, last_error = NULL,
                updated_at = ${DB_NOW} WHERE id IN (${marks(succeededIds)}) AND state = 'pending'`,
        succeededIds,
      );
    if (attempts.length > 0)
      await this.write(
        `INSERT INTO delivery_attempt (endpoint_id, event_id, event_type, attempt, succeeded, status_code, duration_ms, error, created_at)
         VALUES ${attempts.map(() => `(?, ?, ?, ?, ?, ?, ?, ?, ${DB_NOW})`).join(', ')}`,
        attempts.flatMap(({ endpointId, delivery, result }) => [
          endpointId,
          delivery.eventId,
          delivery.eventType,
          delivery.attempts + 1,
          result.ok ? 1 : 0,
          result.statusCode,
          Math.max(0, Math.round(result.durationMs)),
          result.error?.slice(0, 500) ?? null,
        ]),
      );
  }

  /**
   * After a round: what it did not attempt is due again at once (one statement, the usual case);
   * each failed attempt is retried or `failed` as its `Retry` says.
   */
  async moveOn(unattempted: ClaimedDelivery[], retries: Retry[]): Promise<void> {
    if (unattempted.length > 0)
      await this.write(
        `UPDATE event_delivery SET next_attempt_at = ${DB_NOW}, updated_at = ${DB_NOW}
          WHERE id IN (${marks(unattempted)}) AND state = 'pending'`,
        unattempted.map((d) => d.id),
      );
    for (const retry of retries)
      await this.write(
        `UPDATE event_delivery SET state = ?, attempts = attempts + 1, next_attempt_at = IF(?, NULL, ${DB_NOW_PLUS}),
                last_error = ?, updated_at = ${DB_NOW} WHERE id = ? AND state = 'pending'`,
        [retry.failed ? 'failed' : 'pending', retry.failed, retry.delayMs, retry.error, retry.id],
      );
  }

  /**
   * Puts deliveries in their endpoint's state, and returns how many moved: what a disabled endpoint
   * is owed waits as `paused`; an enabled endpoint's paused deliveries are due now, and go in order.
   * With `endpoint`, in the transaction of the change that enabled or disabled it. Without, for
   * every endpoint (the sweep): a relay pass reads the endpoint without a lock, so one that read it
   * just before the change can create deliveries in the old state after that change committed.
   */
  async followEndpoints(endpoint?: { id: number; em: EntityManager }): Promise<number> {
    const only = endpoint ? 'AND d.endpoint_id = ?' : '';
    const params = endpoint ? [endpoint.id] : [];
    const paused = await this.write(
      `UPDATE event_delivery d JOIN webhook_endpoint e ON e.id = d.endpoint_id AND e.enabled = 0
          SET d.state = 'paused', d.updated_at = ${DB_NOW} WHERE d.state = 'pending' ${only}`,
      params,
      endpoint?.em,
    );
    const resumed = await this.write(
      `UPDATE event_delivery d JOIN webhook_endpoint e ON e.id = d.endpoint_id AND e.enabled = 1
          SET d.state = 'pending', d.next_attempt_at = ${DB_NOW}, d.updated_at = ${DB_NOW} WHERE d.state = 'paused' ${only}`,
      params,
      endpoint?.em,
    );
    return paused + resumed;
  }

  /** Drops a disabled endpoint's paused deliveries (in `em`'s transaction); returns how many went. */
  discardPaused(em: EntityManager, endpointId: number): Promise<number> {
    return this.write(
      `DELETE FROM event_delivery WHERE endpoint_id = ? AND state = 'paused'`,
      [endpointId],
      em,
    );
  }

  async countPaused(endpointIds: number[]): Promise<Map<number, number>> {
    if (endpointIds.length === 0) return new Map();
    const rows = await this.em
      .getConnection()
      .execute<Row[]>(
        `SELECT endpoint_id, COUNT(*) AS n FROM event_delivery WHERE endpoint_id IN (${marks(endpointIds)}) AND state = 'paused' GROUP BY endpoint_id`,
        endpointIds,
      );
    return new Map(rows.map((row) => [Number(row.endpoint_id), Number(row.n)]));
  }

  /**
   * Makes deliveries pending and due now with a fresh schedule: `eventIds` whatever became of them
   * (creating those the endpoint never had), or with `failedBetween` the failed ones of that window.
   */
  async sendAgain(
    endpointId: number,
    selection: { eventIds: string[] } | { failedBetween: [Date, Date] },
  ): Promise<number> {
    const afresh = `state = 'pending', attempts = 0, first_attempt_at = NULL, last_error = NULL, next_attempt_at = ${DB_NOW}, updated_at = ${DB_NOW}`;
    if ('failedBetween' in selection)
      return this.write(
        `UPDATE event_delivery SET ${afresh} WHERE endpoint_id = ? AND state = 'failed' AND created_at >= ? AND created_at < ?`,
        [endpointId, ...selection.failedBetween],
      );
    const { eventIds } = selection;
    await this.write(
      `INSERT INTO event_delivery (event_id, endpoint_id, customer_id, state, attempts, next_attempt_at, created_at, updated_at)
       SELECT o.id, ?, o.customer_id, 'pending', 0, ${DB_NOW}, o.created_at, ${DB_NOW} FROM outbox_event o WHERE o.id IN (${marks(eventIds)})
       ON DUPLICATE KEY UPDATE ${afresh}`,
      [endpointId, ...eventIds],
    );
    return eventIds.length;
  }

  /** Enabled endpoints with something due (retries included) that are not waiting for their probe time. */
  async dueEndpoints(): Promise<number[]> {
    const rows = await this.em.getConnection().execute<Row[]>(
      `SELECT e.id FROM webhook_endpoint e WHERE e.enabled = 1 AND (e.probe_at IS NULL OR e.probe_at <= ${DB_NOW})
          AND EXISTS (SELECT 1 FROM event_delivery d WHERE d.endpoint_id = e.id AND d.state = 'pending' AND d.next_attempt_at <= ${DB_NOW})`,
      [],
    );
    return rows.map((row) => Number(row.id));
  }

  /**
   * What bulk jobs pace by: deliveries due or in flight to enabled endpoints, plus events not
   * relayed yet; `listening`: whether any endpoint is enabled (with none, there is nothing to pace).
   */
  async backlog(): Promise<{ due: number; listening: boolean }> {
    const [row] = await this.em.getConnection().execute<Row[]>(
      `SELECT EXISTS (SELECT 1 FROM webhook_endpoint WHERE enabled = 1) AS listening,
              (SELECT COUNT(*) FROM event_delivery d JOIN webhook_endpoint e ON e.id = d.endpoint_id AND e.enabled = 1
                WHERE d.state = 'pending' AND d.next_attempt_at <= ${DB_NOW_PLUS} AND (e.probe_at IS NULL OR e.probe_at <= ${DB_NOW}))
            + IF(EXISTS (SELECT 1 FROM webhook_endpoint WHERE enabled = 1),
                 (SELECT COUNT(*) FROM outbox_event WHERE dispatched_at IS NULL), 0) AS due`,
      [LEASE_MS],
    );
    return { due: Number(row?.due ?? 0), listening: Number(row?.listening ?? 0) === 1 };
  }

  /**
   * Deletes, older than `days`, succeeded deliveries, attempts of deliveries that succeeded (or
   * are gone), and relayed events no delivery needs any more: in steps of at most 1,000 rows.
   * Failed and paused deliveries stay, with their attempts and events. Returns the rows deleted.
   */
  async prune(days: number): Promise<number> {
    const before = `${DB_NOW} - INTERVAL ? DAY`;
    const steps = [
      `DELETE FROM event_delivery WHERE state = 'succeeded' AND updated_at < ${before} LIMIT ${STEP}`,
      `DELETE FROM delivery_attempt WHERE id IN (SELECT id FROM (SELECT a.id FROM delivery_attempt a
          LEFT JOIN event_delivery d ON d.event_id = a.event_id AND d.endpoint_id = a.endpoint_id
          WHERE a.created_at < ${before} AND (d.id IS NULL OR d.state = 'succeeded') LIMIT ${STEP}) old)`,
      `DELETE FROM outbox_event WHERE id IN (SELECT id FROM (SELECT o.id FROM outbox_event o
          WHERE o.dispatched_at IS NOT NULL AND o.created_at < ${before}
            AND NOT EXISTS (SELECT 1 FROM event_delivery d WHERE d.event_id = o.id) LIMIT ${STEP}) old)`,
    ];
    let deleted = 0;
    for (const sql of steps)
      for (let n = STEP; n === STEP; deleted += n) n = await this.write(sql, [days]);
    return deleted;
  }

  /** One statement: in `em`'s transaction, or on its own and tried again on a lock conflict. */
  private async write(sql: string, params: unknown[], em?: EntityManager): Promise<number> {
    const run = (on: EntityManager) => on.execute<{ affectedRows: number }>(sql, params, 'run');
    const result = await (em ? run(em) : retryOnLockConflict(() => run(this.em)));
    return result.affectedRows;
  }
}

function toClaimed(row: Row): ClaimedDelivery {
  return {
    id: String(row.id),
    eventId: String(row.event_id),
    eventType: row.type as EventType,
    customerId: row.customer_id === null ? null : String(row.customer_id),
    attempts: Number(row.attempts),
    sinceFirstMs: Math.max(0, Number(row.since_first ?? 0)),
    body: messageBody(row),
    committedAt: committedAt(row),
  };
}

/**
 * The Standard Webhooks body `{type, timestamp, data}` of a row of MESSAGE_COLUMNS. `data` is the
 * event's payload (admin views, never password hashes) after the object it is about and, per
 * customer, the `sequence` by which consumers order events.
 */
export function messageBody(row: Row): string {
  const head = JSON.stringify({
    eventId: Number(row.event_id),
    objectType: row.object_type,
    objectId: Number(row.object_id),
    customerId: row.customer_id === null ? null : Number(row.customer_id),
    sequence: row.sequence === null ? null : Number(row.sequence),
    actor: row.actor,
    jobId: row.job_id === null ? null : Number(row.job_id),
  });
  // The stored payload text is spliced in as it is, not parsed and encoded again.
  const payload = String(row.payload).trim();
  const inner = payload.startsWith('{') ? payload.slice(1, -1).trim() : '';
  const data = inner ? `${head.slice(0, -1)},${inner}}` : head;
  return `{"type":${JSON.stringify(row.type)},"timestamp":${JSON.stringify(committedAt(row).toISOString())},"data":${data}}`;
}

const committedAt = (row: Row) => fromSqlDate(row.created_at as string | Date) ?? new Date();
