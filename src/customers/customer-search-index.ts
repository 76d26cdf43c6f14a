import { EntityManager } from '@mikro-orm/mysql';
import { insertTrigramsSql, SEARCHED_COLUMNS } from './customer-search.sql';

/** Whether an edit of these fields changes what the search index holds. */
export function touchesSearch(fields: readonly string[]): boolean {
  return fields.some((field) => (SEARCHED_COLUMNS as readonly string[]).includes(field));
}

/**
 * Rewrites the search trigrams of customers from their current rows, in the caller's transaction,
 * so the index commits (or rolls back) with the rows. Removal needs nothing: the rows go with the
 * customer (ON DELETE CASCADE).
 */
export async function refreshSearchTrigrams(
  em: EntityManager,
  customerIds: readonly number[],
): Promise<void> {
  if (customerIds.length === 0) return;
  if (!customerIds.every((id) => Number.isSafeInteger(id) && id > 0))
    throw new Error(`not customer ids: ${customerIds.join(', ')}`);
  const ids = customerIds.join(', ');
  await em.execute(`DELETE FROM customer_search_trigram WHERE customer_id IN (${ids})`, [], 'run');
  await em.execute(insertTrigramsSql(`id IN (${ids})`), [], 'run');
}
