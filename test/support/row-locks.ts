import { TestApp } from './app';

/**
 * Takes row locks in a transaction of the test's own (`lockingRead` is a `SELECT ... FOR UPDATE`):
 * a worker's statement on those rows waits until `release()`, which may be called more than once.
 */
export async function holdRowLocks(test: TestApp, lockingRead: string, params: unknown[]) {
  const blocker = test.em();
  await blocker.begin();
  const release = async () => {
    if (blocker.isInTransaction()) await blocker.rollback();
  };
  try {
    await blocker
      .getConnection()
      .execute(lockingRead, params, 'all', blocker.getTransactionContext());
  } catch (error) {
    await release();
    throw error;
  }
  return { release };
}
