import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/mysql';
import { OutboxEvent } from './outbox-event.entity';
import { EventObjectType, EventType } from './event-types';

export interface NewEvent {
  type: EventType;
  objectType: EventObjectType;
  objectId: number;
  customerId?: number | null;
  actor: string;
  jobId?: number | null;
  payload: Record<string, unknown>;
}

/**
 * Writes events into the outbox inside the caller's transaction, so an event exists exactly when
 * its change committed. Per-customer sequence numbers come from `customer.event_sequence`, bumped
 * in the same transaction (the row lock also orders concurrent writers).
 */
@Injectable()
export class EventOutbox {
  async record(em: EntityManager, event: NewEvent): Promise<OutboxEvent> {
    const sequence = event.customerId ? await this.nextSequence(em, event.customerId, 1) : null;
    const row = em.create(OutboxEvent, {
      type: event.type,
      objectType: event.objectType,
      objectId: event.objectId,
      customerId: event.customerId ?? null,
      sequence,
      actor: event.actor,
      jobId: event.jobId ?? null,
      payload: event.payload,
    });
    await em.persistAndFlush(row);
    return row;
  }

  /**
   * Reserves `count` sequence numbers for a customer and returns the first. Needs the caller's
   * transaction: the row lock orders concurrent writers, and LAST_INSERT_ID() is per connection.
   */
  async nextSequence(em: EntityManager, customerId: number, count: number): Promise<number> {
    if (!em.isInTransaction())
      throw new Error('EventOutbox writes events inside the transaction of their change');
    await em.execute(
      'UPDATE customer SET event_sequence = LAST_INSERT_ID(event_sequence + ?) WHERE id = ?',
      [count, customerId],
      'run',
    );
    const [row] = await em.execute<Array<{ last: string | number }>>(
      'SELECT LAST_INSERT_ID() AS last',
    );
    return Number(row.last) - count + 1;
  }
}
