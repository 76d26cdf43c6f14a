import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/mysql';
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

/** The unique column each reference reads (username compares case-insensitively, as logins do). */
const COLUMN = {
  login: 'username',
  guid: 'guid',
  'external-id': 'external_id',
} as const satisfies Record<Exclude<CustomerReference, 'id'>, string>;

/** Resolves a Plesk reference to a customer's id: 1013 when none has it. */
@Injectable()
export class CustomerLookup {
  constructor(private readonly em: EntityManager) {}

  /**
   * An id needs no read: the service that gets it answers "not found" for an unknown one, so a
   * `customer get` by id costs what `GET /api/v1/customers/{id}` does. The others are one indexed
   * read of the id alone.
   */
  async idOf(reference: CustomerReference, value: string): Promise<number> {
    if (reference === 'id') return idIn(value, reference);
    const rows =
      value === ''
        ? []
        : await this.em.execute<Array<{ id: number }>>(
            `SELECT id FROM customer WHERE ${COLUMN[reference]} = ? LIMIT 1`,
            [value],
          );
    if (rows.length === 0) throw new NotFound('Customer', `with ${reference} ${value}`);
    return Number(rows[0].id);
  }
}
