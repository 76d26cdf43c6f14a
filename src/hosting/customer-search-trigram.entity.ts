import { Entity, ManyToOne, PrimaryKey, PrimaryKeyProp, Ref } from '@mikro-orm/core';
import { Customer } from './customer.entity';

/**
 * The search index of customers: every three-character substring of a customer's username,
 * name, company and email, once per customer. The column has the customer columns' collation
 * (utf8mb4_unicode_ci), so `trigram = ?` folds case and accents exactly as `LIKE` on those columns
 * does, and the primary key keeps one row per equivalent trigram. Written only by
 * `src/customers/customer-search-index.ts`; removing the customer removes its rows (ON DELETE CASCADE).
 */
@Entity({ tableName: 'customer_search_trigram' })
export class CustomerSearchTrigram {
  [PrimaryKeyProp]?: ['trigram', 'customer'];

  @PrimaryKey({ type: 'string', length: 3 })
  trigram!: string;

  @ManyToOne(() => Customer, { ref: true, primary: true, deleteRule: 'cascade' })
  customer!: Ref<Customer>;
}
