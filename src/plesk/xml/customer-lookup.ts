import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/mysql';
import { Customer } from '../../hosting/customer.entity';
import { NotFound } from '../../common/domain-errors';
import { idIn } from './operation-results';

/** How Plesk's filters and owner references name a customer. */
export type CustomerReference = 'id' | 'login' | 'guid' | 'external-id';
export const CUSTOMER_REFERENCES: readonly CustomerReference[] = [
  'id',
  'login',
  'guid',
  'external-id',
];

const COLUMN = {
  id: 'id',
  login: 'username',
  guid: 'guid',
  'external-id': 'externalId',
} as const satisfies Record<CustomerReference, keyof Customer>;

/** Resolves a Plesk reference to a customer's id; every one of them is unique. 1013 when none. */
@Injectable()
export class CustomerLookup {
  constructor(private readonly em: EntityManager) {}

  async idOf(reference: CustomerReference, value: string): Promise<number> {
    const column = COLUMN[reference];
    const wanted = column === 'id' ? idIn(value, reference) : value;
    const found =
      value === ''
        ? null
        : // A fork: the partial entity must not sit in the request's identity map beside the
          // services' full ones.
          await this.em.fork().findOne(Customer, { [column]: wanted }, { fields: ['id'] });
    if (!found) throw new NotFound('Customer', `with ${reference} ${value}`);
    return found.id;
  }
}
