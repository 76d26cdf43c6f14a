import { IsolationLevel, TransactionOptions } from '@mikro-orm/core';

/**
 * Transaction options for every change that goes through the cascade (single endpoints and bulk
 * chunks alike): `em.transactional(work, CASCADE_TRANSACTION)`.
 *
 * READ COMMITTED because the customer row lock (`FOR UPDATE`, in id order) already serialises all
 * writers of one customer's objects; REPEATABLE READ would add shared next-key locks on the rows
 * that `INSERT ... SELECT` reads and gap locks at the edges of each customer's index ranges, and
 * those made concurrent cascades of *different* customers deadlock (seen in
 * test/suspension-concurrency.e2e-spec.ts). Each statement still sees the latest committed rows
 * and the transaction's own changes.
 */
export const CASCADE_TRANSACTION: TransactionOptions = {
  isolationLevel: IsolationLevel.READ_COMMITTED,
};
