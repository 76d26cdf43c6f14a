import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/mysql';
import { NotFound } from '../../common/domain-errors';
import { CustomerLookup } from './customer-lookup';
import { FilterValue, idIn } from './operation-results';

export const WEBSPACE_FILTERS = [
  'id',
  'name',
  'guid',
  'owner-id',
  'owner-login',
  'owner-guid',
] as const;

/** What a webspace shows beside its subscription: its main domain's guid and its owner's login. */
export interface WebspaceIdentity {
  guid: string;
  ownerLogin: string;
}

/**
 * Webspaces are clientele's subscriptions. Plesk gives a webspace a guid; clientele gives one to
 * every domain, so a webspace's guid is its main domain's (the domain with the subscription's name).
 */
@Injectable()
export class WebspaceLookup {
  constructor(
    private readonly em: EntityManager,
    private readonly customers: CustomerLookup,
  ) {}

  /** The subscriptions a filter value names: one for id, name and guid; all of a customer's for owner-*. */
  async idsOf({ field, value }: FilterValue): Promise<number[]> {
    if (field.startsWith('owner-')) {
      const reference = field === 'owner-id' ? 'id' : field === 'owner-login' ? 'login' : 'guid';
      const customerId = await this.customers.idOf(reference, value);
      const owned = await this.ids(
        'SELECT id FROM subscription WHERE customer_id = ? ORDER BY id',
        [customerId],
      );
      if (owned.length === 0) throw new NotFound('Webspace', `of ${field} ${value}`);
      return owned;
    }
    const found =
      field === 'id'
        ? await this.ids('SELECT id FROM subscription WHERE id = ?', [idIn(value, 'id')])
        : field === 'name'
          ? await this.ids('SELECT id FROM subscription WHERE name = ? OR unicode_name = ?', [
              value.toLowerCase(),
              value.toLowerCase(),
            ])
          : await this.ids(
              'SELECT s.id FROM subscription s JOIN domain d ON d.subscription_id = s.id AND d.name = s.name WHERE d.guid = ?',
              [value],
            );
    if (found.length === 0) throw new NotFound('Webspace', `with ${field} ${value}`);
    return found;
  }

  async identities(ids: number[]): Promise<Map<number, WebspaceIdentity>> {
    if (ids.length === 0) return new Map();
    const rows = await this.em.execute<Array<{ id: number; guid: string | null; login: string }>>(
      `SELECT s.id, d.guid, c.username AS login
         FROM subscription s JOIN customer c ON c.id = s.customer_id
         LEFT JOIN domain d ON d.subscription_id = s.id AND d.name = s.name
        WHERE s.id IN (?)`,
      [ids],
    );
    return new Map(
      rows.map((row) => [Number(row.id), { guid: row.guid ?? '', ownerLogin: row.login }]),
    );
  }

  private async ids(sql: string, params: unknown[]): Promise<number[]> {
    const rows = await this.em.execute<Array<{ id: number }>>(sql, params);
    return rows.map((row) => Number(row.id));
  }
}
