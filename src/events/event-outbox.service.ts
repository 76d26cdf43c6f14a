import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/mysql';
import { EventBatch, EventContext } from './event-batch';
import { EventPayload } from './event-catalog';
import { EventObjectType, EventType } from './event-types';
import { OutboxEvent } from './outbox-event.entity';

/** One event, its payload typed by its event type (see event-catalog.ts). */
export type NewEvent = {
  [Type in EventType]: {
    type: Type;
    objectType: EventObjectType;
    objectId: number;
    customerId?: number | null;
    actor: string;
    jobId?: number | null;
    payload: EventPayload<Type>;
  };
}[EventType];

/**
 * The one writer of the outbox: every event is written here (one at a time by `record`, or many by
 * an `EventBatch`), inside the transaction of its change, so an event exists exactly when its
 * change committed. It owns the columns, the timestamps and the per-customer sequence numbers:
 * `customer.event_sequence` is the last number given to an event of that customer, and no other
 * code changes it. A single event takes the next number with one atomic UPDATE (the row lock
 * orders concurrent writers); a batch counts from the values its caller read under lock and stores
 * them once.
 */
@Injectable()
export class EventOutbox {
  async record(em: EntityManager, event: NewEvent): Promise<OutboxEvent> {
    const sequence = event.customerId ? await this.nextSequence(em, event.customerId) : null;
    const row = em.create(OutboxEvent, {
      type: event.type,
      objectType: event.objectType,
      objectId: event.objectId,
      customerId: event.customerId ?? null,
      sequence,
      actor: event.actor,
      jobId: event.jobId ?? null,
      // NewEvent typed the payload by its event type; the column holds any JSON object.
      payload: event.payload as object as Record<string, unknown>,
    });
    await em.persistAndFlush(row);
    return row;
  }

  /**
   * A batch for the events of one set-based change of customers the caller has locked, with their
   * `event_sequence` as read under the lock. Call `finish()` at the end.
   */
  batch(
    em: EntityManager,
    context: EventContext,
    lastSequences: ReadonlyMap<number, number>,
    moment?: Date,
  ): EventBatch {
    return new EventBatch(em, context, lastSequences, moment);
  }

  /** The next sequence number of a customer. LAST_INSERT_ID() is per connection: needs the caller's transaction. */
  private async nextSequence(em: EntityManager, customerId: number): Promise<number> {
    if (!em.isInTransaction())
      throw new Error('Events are written inside the transaction of their change');
    await em.execute(
      'UPDATE customer SET event_sequence = LAST_INSERT_ID(event_sequence + 1) WHERE id = ?',
      [customerId],
      'run',
    );
    const [row] = await em.execute<Array<{ last: string | number }>>(
      'SELECT LAST_INSERT_ID() AS last',
    );
    return Number(row.last);
  }
}
