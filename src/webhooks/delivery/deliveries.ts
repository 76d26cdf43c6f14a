import { Injectable } from '@nestjs/common';
import { Transaction } from '@mikro-orm/core';
import { EntityManager, IsolationLevel } from '@mikro-orm/mysql';
import { fromSqlDate } from '../../common/sql-dates';
import { retriedTransaction, retryOnLockConflict } from '../../database/lock-conflicts';
import { EventType } from '../../events/event-types';
import type { SendResult } from './http-delivery';

/** The database's clock decides when a delivery is due and when a lease ends, never a process's. */
export const DB_NOW = 'UTC_TIMESTAMP(3)';
export const DB_NOW_PLUS = `${DB_NOW} + INTERVAL ? * 1000 MICROSECOND`;
/** How long a claim holds its deliveries; renewed while they are sent, so only a dead worker's fall due. */
export const LEASE_MS = 6_000;
/** A customer's chain goes in one round, one event after another, not one round per event. */
const RUN_LENGTH = 25;
const STEP = 1000;

/** A ping goes only to the endpoint pinged. */
const ENDPOINT_WANTS_EVENT = `IF(o.type = 'webhook.ping',
  o.object_type = 'webhook' AND o.object_id = e.id,
  JSON_CONTAINS(e.events, '"*"') OR JSON_CONTAINS(e.events, JSON_QUOTE(o.type)))`;

/**
 * A customer's delivery goes only when nothing earlier of that customer is owed to the endpoint or
 * still unrelayed (another process's relay pass may commit it later): a failure holds the
 * customer's later events, and nobody else's.
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
  customerId: string | null;
  /** Attempts before this one. */
  attempts: number;
  /** Since the first attempt, by the database's clock. */
  sinceFirstMs: number;
  body: string;
  committedAt: Date;
}

/** An endpoint as it is now, and what a worker took of its due deliveries. */
export interface Claim {
  url: string;
  /** Sealed (SecretBox): the current secret, and the previous one while a rotation overlaps. */
  sealedSecrets: string[];
  /** The endpoint itself fails: this claim is its one probe. */
  probing: boolean;
  failingForMs: number | null;
  deliveries: ClaimedDelivery[];
}

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
/** What a message body is made of (outbox row `o`), the payload as the text it was stored as. */
export const MESSAGE_COLUMNS = `o.id AS event_id, o.type, o.object_type, o.object_id, o.customer_id, o.sequence, o.actor,
  o.job_id, CAST(o.payload AS CHAR) AS payload, o.created_at`;
const marks = (list: unknown[]) => list.map(() => '?').join(',');

/**
 * The one writer of `event_delivery`, of the attempt log `delivery_attempt` and of the outbox's
 * `dispatched_at`. Each change is one statement or one transaction that can simply run again.
 */
@Injectable()
export class Deliveries {
  constructor(private readonly em: EntityManager) {}

  /**
   * Relays up to `limit` undispatched events in `trx`: SKIP LOCKED lets any number of processes
   * relay at once, none an event twice. Returns the endpoints given pending deliveries.
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
   * Takes, for up to `limit` customers of an enabled endpoint, the customer's due run, and leases
   * it. The lease is a write, so two claims of one delivery conflict: on one node they take turns
   * on the endpoint's row lock, across Galera nodes one loses at COMMIT and claims again. A failing
   * endpoint gives one delivery, once its probe time has come.
   */
  async claim(endpointId: number, limit: number): Promise<Claim | null> {
    // Most claims find nothing (every lane of an endpoint is woken by each relay pass): those
    // answer from the index, without queueing for the endpoint's lock behind the claims that work.
    const [due] = await this.em
      .getConnection()
      .execute<Row[]>(
        `SELECT 1 FROM event_delivery FORCE INDEX (event_delivery_due_idx) WHERE endpoint_id = ? AND state = 'pending' AND next_attempt_at <= ${DB_NOW} LIMIT 1`,
        [endpointId],
      );
    if (!due) return null;
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
        const ids = probing ? [String(heads[0].id)] : await this.runsOf(em, endpointId, heads);
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
   * Each head, then its customer's owed deliveries in order while they are due and ahead of any
   * unrelayed event of the customer. One not due (leased elsewhere, or waiting for its retry) ends
   * the run, so order holds whatever else is in flight.
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
    const firstUnrelayed = new Map(
      unrelayed.map((row) => [Number(row.customer_id), BigInt(String(row.first))]),
    );
    const headIds = new Set(ids);
    const following: string[] = [];
    let customer: number | null = null;
    let open = false;
    for (const row of owed) {
      if (Number(row.customer_id) !== customer) {
        customer = Number(row.customer_id);
        // Unless its first owed delivery is the head this claim locked, the head goes alone.
        open = headIds.has(String(row.id));
        continue;
      }
      const limitId = firstUnrelayed.get(customer);
      open &&= Number(row.due) === 1 && (!limitId || BigInt(String(row.event_id)) < limitId);
      if (open) following.push(String(row.id));
    }
    return [...ids, ...following];
  }

  async extendLease(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.write(
      `UPDATE event_delivery SET next_attempt_at = ${DB_NOW_PLUS} WHERE id IN (${marks(ids)}) AND state = 'pending'`,
      [LEASE_MS, ...ids],
    );
  }

  /** Marks the successes first (the mark is what keeps them from going again), then logs the attempts. */
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

  /** After a round: the unattempted are due again at once, the failed retried or `failed`. */
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
   * Puts deliveries in their endpoint's state (`paused` while disabled; due now, in order, once
   * enabled); returns how many moved. With `endpoint`, in the transaction that changed it; without,
   * for all (the sweep), since a relay pass that read an endpoint just before the change may
   * commit deliveries in the old state after it.
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
   * Due now on a fresh schedule: `eventIds` whatever became of them (created if the endpoint never
   * had them), or the failed ones of the `failedBetween` window.
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

  /** Enabled endpoints with something due that are not waiting for their probe time. */
  async dueEndpoints(): Promise<number[]> {
    const rows = await this.em.getConnection().execute<Row[]>(
      `SELECT e.id FROM webhook_endpoint e WHERE e.enabled = 1 AND (e.probe_at IS NULL OR e.probe_at <= ${DB_NOW})
          AND EXISTS (SELECT 1 FROM event_delivery d WHERE d.endpoint_id = e.id AND d.state = 'pending' AND d.next_attempt_at <= ${DB_NOW})`,
      [],
    );
    return rows.map((row) => Number(row.id));
  }

  /** What bulk jobs pace by: deliveries due or in flight to enabled endpoints, and unrelayed events. */
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
   * Deletes, older than `days` and at most STEP rows a statement: succeeded deliveries, attempts of
   * succeeded or gone ones, and relayed events no delivery needs. Failed and paused ones stay.
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

  /** One statement: in `em`'s transaction, or alone and tried again on a lock conflict. */
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
 * The Standard Webhooks body `{type, timestamp, data}`: `data` is the object the event is about,
 * the customer's `sequence` consumers order by, and the stored payload spliced in as it is.
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
  const payload = String(row.payload).trim();
  const inner = payload.startsWith('{') ? payload.slice(1, -1).trim() : '';
  const data = inner ? `${head.slice(0, -1)},${inner}}` : head;
  return `{"type":${JSON.stringify(row.type)},"timestamp":${JSON.stringify(committedAt(row).toISOString())},"data":${data}}`;
}

const committedAt = (row: Row) => fromSqlDate(row.created_at as string | Date) ?? new Date();
