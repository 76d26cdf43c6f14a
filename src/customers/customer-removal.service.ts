import { Injectable } from '@nestjs/common';
import { EntityManager, LockMode } from '@mikro-orm/mysql';
import { EventOutbox } from '../events/event-outbox.service';
import { Customer } from './customer.entity';
import { toAdminView } from './customer.views';

export type RemovalOutcome = 'removed' | 'not_found';

/**
 * Removes customers inside the caller's transaction. The database cascades to everything the
 * customer owns (foreign keys ON DELETE CASCADE); the `customer.deleted` event keeps a snapshot.
 */
@Injectable()
export class CustomerRemoval {
  constructor(private readonly outbox: EventOutbox) {}

  async removeOne(em: EntityManager, id: number, actor: string): Promise<RemovalOutcome> {
    const customer = await em.findOne(Customer, id, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!customer) return 'not_found';
    await this.outbox.record(em, {
      type: 'customer.deleted',
      objectType: 'customer',
      objectId: id,
      customerId: id,
      actor,
      payload: { customer: toAdminView(customer), subscriptions: [] },
    });
    await em.nativeDelete(Customer, { id });
    return 'removed';
  }
}
